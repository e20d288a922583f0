import { closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appError } from '../../core/result';
import { copyDatabase } from '../../db/backup';
import { openStore } from '../../db/store';
import type { SignedHead } from '../../db/audit/key-store';
import { DatabaseKeyFile, FileKeyStore, KeyFileError } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { openForVerification } from '../../db/audit/open';
import { verifyAudit } from '../../db/audit/verify';
import { auditKeyDir } from '../../services/paths';
import { describeStartupError } from '../../services/startup-errors';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';
import { cliActor, reportVerification } from './audit';

const fsyncPath = (path: string, flags = 'r'): void => {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/**
 * `pumpctl restore --db FILE --from BACKUP`: puts a verified backup in place of the database and
 * keeps the trail verifiable. Copying a backup over the file by hand makes every later
 * verification fail (the head signed for the file names records the backup does not have); this
 * command instead records, in the restored trail, which head it replaced and which backup it came
 * from, and signs that record, so the loss of the records after the backup is itself on record.
 * The replaced file is kept beside it (`FILE.replaced-<time>`). Close the programmer first.
 */
export async function restoreCommand(argv: string[], io: Io): Promise<ExitCode> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { db: { type: 'string' }, from: { type: 'string' }, json: { type: 'boolean', default: false } },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.db === undefined || values.from === undefined)
    throw new UsageError('restore needs --db FILE --from BACKUP');
  const { json } = values;
  const live = resolve(values.db);
  const from = resolve(values.from);
  if (existsSync(live) && existsSync(from) && realpathSync(live) === realpathSync(from))
    throw new UsageError('restore needs a backup other than the database itself');
  const keys = new FileKeyStore(auditKeyDir());

  // 1. The backup must verify, signatures included, with this workstation's key.
  let source;
  try {
    source = openForVerification(from, new DatabaseKeyFile(auditKeyDir()));
  } catch (e) {
    return fail(io, json, appError('STORAGE_FAILED', describeStartupError(e, from)));
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const staged = `${live}.restoring-${stamp}`;
  let restored: { databaseId: string; seq: number; hash: string | undefined };
  try {
    const report = verifyAudit(source.db, keys, { location: source.location });
    if (report.status !== 'intact') {
      io.err(`pumpctl: the backup ${from} cannot be restored: it does not verify with this workstation's audit key.\n`);
      return reportVerification(io, json, report);
    }
    const last = source.db
      .prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
      .get();
    restored = { databaseId: report.databaseId, seq: last?.seq ?? 0, hash: last?.hash };
    await copyDatabase(source.db, staged);
    fsyncPath(staged, 'r+');
  } catch (e) {
    return fail(
      io,
      json,
      appError('STORAGE_FAILED', `The backup could not be copied into place: ${(e as Error).message}`),
    );
  } finally {
    source.close();
  }

  // 2. The head signed for the live file, to be recorded as replaced.
  const location = existsSync(live) ? realpathSync(live) : live;
  let replacedHead: SignedHead | undefined;
  let replacedHeadNote: string | undefined;
  try {
    replacedHead = keys.readHead(location);
  } catch (e) {
    if (!(e instanceof KeyFileError)) throw e;
    replacedHeadNote = e.message;
  }

  // 3. The live file (and its WAL side files) kept aside; the staged copy takes its place.
  const replacedFile = existsSync(live) ? `${live}.replaced-${stamp}` : undefined;
  try {
    if (replacedFile !== undefined) {
      renameSync(live, replacedFile);
      for (const side of ['-wal', '-shm'])
        if (existsSync(`${live}${side}`)) renameSync(`${live}${side}`, `${replacedFile}${side}`);
    }
    renameSync(staged, live);
    if (process.platform !== 'win32') fsyncPath(dirname(live));
  } catch (e) {
    return fail(
      io,
      json,
      appError('STORAGE_FAILED', `The restored file could not be put in place: ${(e as Error).message}`),
    );
  }
  keys.removeHead(location);

  // 4. The restore is recorded in the restored trail and signed at once; then the result is verified.
  let db;
  try {
    db = openStore(live, { keyFile: new DatabaseKeyFile(auditKeyDir()), auditKeys: keys, encryptPlain: false });
  } catch (e) {
    return fail(io, json, appError('STORAGE_FAILED', describeStartupError(e, live)));
  }
  try {
    const audit = new AuditLog(db, keys);
    audit.append({
      atUtc: new Date().toISOString(),
      actor: cliActor(),
      action: 'audit.restore',
      old:
        replacedHead === undefined
          ? { head: null, ...(replacedHeadNote === undefined ? {} : { note: replacedHeadNote }) }
          : { head: { databaseId: replacedHead.databaseId, seq: replacedHead.seq, hash: replacedHead.hash } },
      new: { from, restoredSeq: restored.seq, restoredHash: restored.hash ?? null, replacedFile: replacedFile ?? null },
      reason: 'restored from a verified backup',
      outcome: 'confirmed',
    });
    const head = audit.checkpoint();
    if (head === undefined) {
      io.err(`pumpctl: the restored trail could not be signed: ${audit.signingProblem ?? 'unknown reason'}\n`);
      return EXIT.integrity;
    }
    const report = verifyAudit(db, keys);
    if (json)
      io.out(
        `${JSON.stringify({ restored: live, from, replacedFile: replacedFile ?? null, replacedHead: replacedHead ?? null, verification: report })}\n`,
      );
    if (report.status !== 'intact') return reportVerification(io, json, report);
    if (!json) {
      const lost =
        replacedHead !== undefined && replacedHead.databaseId === restored.databaseId && replacedHead.seq > restored.seq
          ? ` Records ${restored.seq + 1}–${replacedHead.seq} of the replaced file are not in the restored one (the replaced file is kept).`
          : '';
      io.out(
        `Restored ${live} from ${from}: ${report.records} audit record(s), intact, signed up to record ${head.seq}.${replacedFile === undefined ? '' : ` The replaced file is ${replacedFile}.`}${lost}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}
