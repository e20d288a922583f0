import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appError } from '../../core/result';
import type { Db } from '../../db/connection';
import { withDatabase } from '../database';
import { exportCsv, exportFhir, exportJson } from '../../db/audit/export';
import { DatabaseKeyFile, FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { openForVerification } from '../../db/audit/open';
import { verifyAudit, type AuditVerifyReport } from '../../db/audit/verify';
import { auditKeyDir } from '../../services/paths';
import { describeStartupError } from '../../services/startup-errors';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';

const formats = ['csv', 'json', 'fhir'] as const;

export const cliActor = (): string => `cli:${process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown'}`;

export async function auditCommand(argv: string[], io: Io): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  let values;
  try {
    values = parseArgs({
      args: rest,
      options: {
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
        format: { type: 'string' },
        out: { type: 'string' },
        'key-dir': { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.db === undefined) throw new UsageError(`audit ${sub ?? ''} needs --db FILE`);
  const path = resolve(values.db);
  switch (sub) {
    case 'verify':
      return verify(io, path, new FileKeyStore(values['key-dir'] ?? auditKeyDir()), values.json);
    case 'export': {
      // The export is recorded and signed in the live trail: only ever with this workstation's own key folder.
      if (values['key-dir'] !== undefined)
        throw new UsageError("audit export signs with this workstation's key folder; --key-dir is for verify only");
      const format = values.format;
      if (format === undefined || !(formats as readonly string[]).includes(format))
        throw new UsageError('audit export needs --format csv|json|fhir');
      return exportTrail(
        io,
        path,
        new FileKeyStore(auditKeyDir()),
        format as (typeof formats)[number],
        values.out,
        values.json,
      );
    }
    case 'new-key':
      return newKey(io, path, new FileKeyStore(values['key-dir'] ?? auditKeyDir()), values.json);
    case undefined:
    default:
      throw new UsageError('audit needs verify, export or new-key');
  }
}

function verify(io: Io, path: string, keys: FileKeyStore, json: boolean): ExitCode {
  let target;
  try {
    target = openForVerification(path, new DatabaseKeyFile(keys.folder));
  } catch (e) {
    return fail(io, json, appError('STORAGE_FAILED', describeStartupError(e, path)));
  }
  try {
    const report = verifyAudit(target.db, keys, { location: target.location });
    if (json) io.out(`${JSON.stringify(report)}\n`);
    return reportVerification(io, json, report);
  } finally {
    target.close();
  }
}

/** Prints a verification and returns its exit code: 0 intact, 4 failed, 5 unverifiable without the key. */
export function reportVerification(io: Io, json: boolean, report: AuditVerifyReport): ExitCode {
  if (report.status === 'failed' && report.firstFailure !== undefined) {
    io.err(
      `pumpctl: audit trail FAILED verification at record ${report.firstFailure.seq} (${report.firstFailure.problem}): ${report.firstFailure.message}\n`,
    );
    return EXIT.integrity;
  }
  if (report.status === 'unverifiable') {
    io.err(
      `pumpctl: audit trail unverifiable without the key: ${report.records} record(s) form a consistent chain, but ${report.unverifiableReason ?? 'nothing could be checked against the key'}.\n`,
    );
    return EXIT.unverifiable;
  }
  if (!json) {
    io.out(
      `Audit trail intact: ${report.records} record(s); ${report.checkpoints.verified} signed checkpoint(s) verified${report.lastCheckpointSeq > 0 ? `, the last at record ${report.lastCheckpointSeq}` : ''}.\n`,
    );
    if (report.unprotectedTail > 0)
      io.out(
        `${report.unprotectedTail} record(s) after the last checkpoint are chained but not yet signed: removing them from the end could not be detected.\n`,
      );
  }
  if (report.headBehind !== undefined)
    io.err(
      `pumpctl: warning: the signed head kept outside the database names record ${report.headBehind.headSeq}, behind the last checkpoint in the database (record ${report.headBehind.lastCheckpointSeq}): the head file was not written after that checkpoint, so removing the records after record ${report.headBehind.headSeq} together with their checkpoints could not be detected. The app writes the head when it next signs the trail.\n`,
    );
  return EXIT.ok;
}

function exportTrail(
  io: Io,
  path: string,
  keys: FileKeyStore,
  format: (typeof formats)[number],
  out: string | undefined,
  json: boolean,
): Promise<ExitCode> {
  return withDatabase(io, json, path, (db) => writeExport(io, db, keys, format, out, json));
}

async function writeExport(
  io: Io,
  db: Db,
  keys: FileKeyStore,
  format: (typeof formats)[number],
  out: string | undefined,
  json: boolean,
): Promise<ExitCode> {
  try {
    // Exporting is itself recorded, before the export so the file includes its own record.
    const audit = new AuditLog(db, keys);
    audit.append({
      atUtc: new Date().toISOString(),
      actor: cliActor(),
      action: 'audit.export',
      new: { format, out: out ?? 'stdout' },
      outcome: 'confirmed',
    });
    audit.checkpoint();
    const chunks: Iterable<string> =
      format === 'csv' ? exportCsv(db) : [format === 'json' ? exportJson(db) : exportFhir(db)];
    if (out === undefined) {
      for (const chunk of chunks) io.out(chunk);
      return EXIT.ok;
    }
    const stream = createWriteStream(resolve(out));
    for (const chunk of chunks)
      if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
    await new Promise<void>((res, rej) => {
      stream.once('error', rej);
      stream.end(() => res());
    });
    return EXIT.ok;
  } catch (e) {
    return fail(io, json, appError('STORAGE_FAILED', `The export could not be written: ${(e as Error).message}`));
  }
}

/**
 * The explicit way to give an existing trail a checkpoint key when it has none (a database from
 * before keys were made at creation, or one whose key folder was lost): the chain must verify,
 * the new key is recorded in the trail with who made it, and the head is signed at once. A file
 * whose signed head names another database id is refused: that is a forgery, not a lost key.
 */
const keysLabel = (keys: FileKeyStore): string => keys.folder;

function newKey(io: Io, path: string, keys: FileKeyStore, json: boolean): Promise<ExitCode> {
  return withDatabase(io, json, path, (db) => {
    const before = verifyAudit(db, keys);
    if (before.status === 'failed') return Promise.resolve(reportVerification(io, json, before));
    if (before.checkpoints.keyAvailable) {
      return Promise.resolve(
        fail(
          io,
          json,
          appError('CONFLICT', `database ${before.databaseId} already has its checkpoint key; nothing was changed`),
        ),
      );
    }
    if (before.checkpoints.total > 0) {
      return Promise.resolve(
        fail(
          io,
          json,
          appError(
            'CONFLICT',
            `this trail was signed with a key that is not in ${keysLabel(keys)}: restore the key folder from its backup instead; nothing was changed`,
          ),
        ),
      );
    }
    keys.createKey(before.databaseId);
    const audit = new AuditLog(db, keys);
    audit.append({
      atUtc: new Date().toISOString(),
      actor: cliActor(),
      action: 'audit.newKey',
      new: { databaseId: before.databaseId, records: before.records },
      reason: 'a checkpoint key was created for an existing trail',
      outcome: 'confirmed',
    });
    const head = audit.checkpoint();
    if (head === undefined) {
      io.err(`pumpctl: the new key could not sign the trail: ${audit.signingProblem ?? 'unknown reason'}\n`);
      return Promise.resolve(EXIT.integrity);
    }
    if (json) io.out(`${JSON.stringify({ databaseId: before.databaseId, signedSeq: head.seq })}\n`);
    else
      io.out(
        `A checkpoint key was created for database ${before.databaseId}; the trail is signed up to record ${head.seq}. Keep a copy of the key folder with your backups.\n`,
      );
    return Promise.resolve(EXIT.ok);
  });
}
