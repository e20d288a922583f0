/** The usage text of each command, apart from the commands so that --help loads none of them. */
export const calcUsage = `pumpctl calc rate|bridge|flex|refill [--json] < input.json
  Reads one JSON object on standard input and writes the result as JSON (see docs/cli.md).`;

export const checkUsage = `pumpctl check [--library FILE] [--json] < input.json
  Checks a daily dose against the drug library (the built-in defaults, or FILE).
  Prints {verdict: "ok"|"soft"|"hard", findings: [...]}; a soft or hard verdict still exits 0.`;

export const interrogateUsage = `pumpctl interrogate --sim [--training-pump PRESET|FILE] [--json] [--db FILE]
  Reads the pump's status. --sim uses the built-in simulated pump (training mode).
  --training-pump starts the simulated pump in a preset state (morphine-continuous,
  morphine-patient-bolus, baclofen-flex, ziconotide-titration, stopped-morphine, eri-pump,
  eos-pump) or in the state a JSON file describes (docs/cli.md).
  --db FILE also records the interrogation in that database's audit trail.`;

export const auditUsage = `pumpctl audit verify --db FILE [--json] [--key-dir DIR]
  Verifies the whole audit trail: exit 0 when intact, 4 naming the first failing record,
  5 when the chain holds but cannot be checked against its key (key absent, nothing signed yet).
pumpctl audit export --db FILE --format csv|json|fhir [--out FILE]
  Writes the trail (CSV, JSON, or a FHIR R4 AuditEvent bundle) with what a reader needs to verify it.
pumpctl audit new-key --db FILE [--key-dir DIR]
  Creates the checkpoint key of a trail that was never signed, records it, and signs the trail.`;

export const demoUsage = `pumpctl demo --db FILE [--sessions N] [--seed S] [--json]
  Fills a database with N realistic programming and refill sessions made through the real
  services against simulated pumps (training rooms, benchmarks, tests). Prints the demo accounts.`;

export const backupUsage = `pumpctl backup --db FILE --out FILE [--json]
  Online backup of a live database, then verified (integrity check and audit chain); exit 4 if not.`;

export const restoreUsage = `pumpctl restore --db FILE --from BACKUP [--json]
  Replaces the database with a verified backup (the replaced file is kept beside it), records the
  restore in the restored trail and signs it, so that the trail verifies afterwards. Programming
  sessions made since the backup are carried over (dose history, open sessions).`;

export const usersUsage = `pumpctl users unlock --db FILE --user NAME [--json]
  Lifts the sign-in lock-out of a user (e.g. the only administrator), recorded in the audit trail.
pumpctl users reset-password --db FILE --user NAME [--password-stdin] [--json]
  Sets a one-time password for a user who forgot theirs (printed once; or the first line of standard
  input), to be changed at the next sign-in; lifts the lock-out; recorded in the audit trail.`;
