import type { Db } from '../connection';
import { databaseId } from './meta';
import { AUDIT_COLUMNS, genesisHash } from './record';

const HASH_RULE =
  'hash = "sha256:" + lowercase hex SHA-256 of the UTF-8 JSON array [seq, at_utc, pump_time, actor, role, witness, patient_id, pump_serial, action, old_json, new_json, reason, acks_json, library_version, outcome, prev_hash] (JSON.stringify, no spaces, absent values as null); the first record\'s prev_hash is "sha256:" + hex SHA-256 of "genesis:" + databaseId; each later prev_hash is the previous record\'s hash.';

export interface ExportedRecord {
  seq: number;
  atUtc: string;
  pumpTime: string | null;
  actor: string;
  role: string | null;
  witness: string | null;
  patientId: string | null;
  pumpSerial: string | null;
  action: string;
  /** The stored JSON text, exactly as hashed. */
  oldJson: string | null;
  newJson: string | null;
  reason: string | null;
  acksJson: string | null;
  libraryVersion: string | null;
  outcome: string;
  prevHash: string;
  hash: string;
}

export function* auditRows(db: Db): Generator<ExportedRecord> {
  const stmt = db.prepare('SELECT * FROM audit_log ORDER BY seq').raw(true);
  for (const r of stmt.iterate() as IterableIterator<unknown[]>) {
    const [
      seq,
      atUtc,
      pumpTime,
      actor,
      role,
      witness,
      patientId,
      pumpSerial,
      action,
      oldJson,
      newJson,
      reason,
      acksJson,
      libraryVersion,
      outcome,
      prevHash,
      hash,
    ] = r as [
      number,
      string,
      string | null,
      string,
      string | null,
      string | null,
      string | null,
      string | null,
      string,
      string | null,
      string | null,
      string | null,
      string | null,
      string | null,
      string,
      string,
      string,
    ];
    yield {
      seq,
      atUtc,
      pumpTime,
      actor,
      role,
      witness,
      patientId,
      pumpSerial,
      action,
      oldJson,
      newJson,
      reason,
      acksJson,
      libraryVersion,
      outcome,
      prevHash,
      hash,
    };
  }
}

const checkpoints = (db: Db) =>
  db
    .prepare(
      'SELECT seq, head_hash AS headHash, at_utc AS atUtc, mac, meta_hash AS metaHash FROM audit_checkpoints ORDER BY id',
    )
    .all();

/** JSON: every record with the columns exactly as hashed, the hash rule and the checkpoints. */
export function exportJson(db: Db): string {
  const id = databaseId(db);
  return `${JSON.stringify(
    {
      format: 'itpump-audit-export/1',
      databaseId: id,
      genesisPrevHash: genesisHash(id),
      hashRule: HASH_RULE,
      checkpointRule:
        'mac = "hmac-sha256:" + hex HMAC-SHA256(key, "v2:" + databaseId + ":" + seq + ":" + headHash + ":" + metaHash), where metaHash = "sha256:" + hex SHA-256 of the JSON array of the meta rows [key, value] ordered by key (checkpoints with metaHash null: HMAC-SHA256(key, databaseId + ":" + seq + ":" + headHash)); the key is kept outside the database',
      meta: db.prepare('SELECT key, value FROM meta ORDER BY key').raw(true).all(),
      exportedAt: new Date().toISOString(),
      records: [...auditRows(db)],
      checkpoints: checkpoints(db),
    },
    null,
    2,
  )}\n`;
}

/**
 * One CSV field. A value a spreadsheet would run as a formula (starting with = + - @, a tab or a
 * carriage return) gets a leading single quote, and so does a value that already starts with one:
 * a reader re-computing the hashes removes exactly one leading quote from any field starting with '.
 */
const csvCell = (value: string | number | null): string => {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r']/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * CSV (RFC 4180): one row per record, the hashed columns and the hash; opens in any spreadsheet
 * without running anything in it (see `csvCell`).
 */
export function* exportCsv(db: Db): Generator<string> {
  yield `${[...AUDIT_COLUMNS, 'hash'].join(',')}\r\n`;
  for (const r of auditRows(db)) {
    yield `${[r.seq, r.atUtc, r.pumpTime, r.actor, r.role, r.witness, r.patientId, r.pumpSerial, r.action, r.oldJson, r.newJson, r.reason, r.acksJson, r.libraryVersion, r.outcome, r.prevHash, r.hash].map(csvCell).join(',')}\r\n`;
  }
}

const fhirOutcome = (outcome: string): '0' | '4' | '8' =>
  outcome === 'rejected' ? '4' : outcome === 'unconfirmed' ? '8' : '0';
const fhirAction = (action: string): 'C' | 'R' | 'U' | 'D' | 'E' =>
  action.endsWith('.interrogate') || action.endsWith('.read')
    ? 'R'
    : action.endsWith('.create') || action.startsWith('refill')
      ? 'C'
      : action.endsWith('.export')
        ? 'E'
        : 'U';

/** FHIR R4: a collection Bundle of AuditEvent resources, the chain fields carried in entity details. */
export function exportFhir(db: Db): string {
  const id = databaseId(db);
  const entries = [...auditRows(db)].map((r) => {
    const details = [
      { type: 'seq', valueString: String(r.seq) },
      { type: 'prevHash', valueString: r.prevHash },
      { type: 'hash', valueString: r.hash },
      ...(r.oldJson === null ? [] : [{ type: 'old', valueString: r.oldJson }]),
      ...(r.newJson === null ? [] : [{ type: 'new', valueString: r.newJson }]),
      ...(r.acksJson === null ? [] : [{ type: 'acknowledgements', valueString: r.acksJson }]),
      ...(r.libraryVersion === null ? [] : [{ type: 'drugLibrary', valueString: r.libraryVersion }]),
      ...(r.pumpTime === null ? [] : [{ type: 'pumpTime', valueString: r.pumpTime }]),
    ];
    const entity: unknown[] = [
      { what: { identifier: { system: 'urn:itpump:audit', value: `${id}/${r.seq}` } }, detail: details },
    ];
    if (r.pumpSerial !== null)
      entity.push({
        what: { identifier: { system: 'urn:itpump:pump-serial', value: r.pumpSerial } },
        type: { system: 'http://hl7.org/fhir/resource-types', code: 'Device' },
      });
    if (r.patientId !== null)
      entity.push({
        what: { identifier: { system: 'urn:itpump:patient', value: r.patientId } },
        type: { system: 'http://hl7.org/fhir/resource-types', code: 'Patient' },
      });
    const agent: unknown[] = [
      { who: { display: r.actor }, requestor: true, ...(r.role === null ? {} : { role: [{ text: r.role }] }) },
    ];
    if (r.witness !== null) agent.push({ who: { display: r.witness }, requestor: false, role: [{ text: 'witness' }] });
    return {
      fullUrl: `urn:uuid:${id}-${r.seq}`,
      resource: {
        resourceType: 'AuditEvent',
        type: { system: 'urn:itpump:audit-action', code: r.action },
        action: fhirAction(r.action),
        recorded: r.atUtc,
        outcome: fhirOutcome(r.outcome),
        outcomeDesc: r.reason === null ? r.outcome : `${r.outcome}: ${r.reason}`,
        agent,
        source: { observer: { display: 'Intrathecal Pump Programmer' } },
        entity,
      },
    };
  });
  return `${JSON.stringify({ resourceType: 'Bundle', type: 'collection', timestamp: new Date().toISOString(), identifier: { system: 'urn:itpump:database', value: id }, entry: entries }, null, 2)}\n`;
}
