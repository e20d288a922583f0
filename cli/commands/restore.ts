import { closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appError } from '../../core/result';
import { copyDatabase } from '../../db/backup';
import { openStore } from '../../db/store';
import type { Db as Database } from '../../db/connection';
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

/** A programming session as the replaced file holds it. */
interface SessionCopy {
  session_uuid: string;
  pump_serial: string;
  started_at: string;
  actor: string;
  witness: string | null;
  intent_json: string;
  outcome: string;
  resolved_at: string | null;
}
const SESSION_COLUMNS = 'session_uuid, pump_serial, started_at, actor, witness, intent_json, outcome, resolved_at';

/**
 * The programming sessions of the live file that the backup does not have: writes to pumps made
 * after the backup. Dropping them would take them out of each pump's dose history and lift the
 * block of a session whose outcome is not known, so the restore carries them over.
 */
function sessionsSinceBackup(
  live: string,
  backup: Database,
  keys: FileKeyStore,
  databaseId: string,
): { sessions: SessionCopy[]; problem?: undefined } | { sessions: []; problem: string } {
  if (!existsSync(live)) return { sessions: [] };
  let target;
  try {
    target = openForVerification(live, new DatabaseKeyFile(auditKeyDir()));
  } catch (e) {
    return { sessions: [], problem: describeStartupError(e, live) };
  }
  try {
    // Only from the same database, and only from a trail that verifies: sessions written into the
    // file by hand would otherwise be signed into the restored trail.
    const report = verifyAudit(target.db, keys, { location: target.location });
    if (report.databaseId !== databaseId)
      return { sessions: [], problem: `the replaced file is another database (${report.databaseId})` };
    if (report.status !== 'intact')
      return { sessions: [], problem: `the replaced file's audit trail does not verify (${report.status})` };
    const known = new Set(backup.prepare('SELECT session_uuid FROM programming_sessions').pluck().all() as string[]);
    const all = target.db
      .prepare<[], SessionCopy>(`SELECT ${SESSION_COLUMNS} FROM programming_sessions ORDER BY id`)
      .all();
    return { sessions: all.filter((s) => !known.has(s.session_uuid)) };
  } catch (e) {
    return { sessions: [], problem: (e as Error).message };
  } finally {
    target.close();
  }
}

/**
 * `pumpctl restore --db FILE --from BACKUP`: puts a verified backup in place of the database and
 * keeps the trail verifiable. Copying a backup over the file by hand makes every later
 * verification fail (the head signed for the file names records the backup does not have); this
 * command instead records, in the restored trail, which head it replaced and which backup it came
 * from, and signs that record, so the loss of the records after the backup is itself on record.
 * The replaced file is kept beside it (`FILE.replaced-<time>`). Programming sessions made since the
 * backup are carried over into the restored file (on record in the same signed restore record):
 * each pump's dose history keeps them, and a session whose outcome is not known still blocks its
 * pump. Close the programmer first.
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
  let since: ReturnType<typeof sessionsSinceBackup>;
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
    since = sessionsSinceBackup(live, source.db, keys, report.databaseId);
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
    const carried = since.sessions;
    db.transaction(() => {
      const { seq } = audit.append({
        atUtc: new Date().toISOString(),
        actor: cliActor(),
        action: 'audit.restore',
        old:
          replacedHead === undefined
            ? { head: null, ...(replacedHeadNote === undefined ? {} : { note: replacedHeadNote }) }
            : { head: { databaseId: replacedHead.databaseId, seq: replacedHead.seq, hash: replacedHead.hash } },
        new: {
          from,
          restoredSeq: restored.seq,
          restoredHash: restored.hash ?? null,
          replacedFile: replacedFile ?? null,
          carriedSessions: carried.map((s) => ({
            sessionId: s.session_uuid,
            pumpSerial: s.pump_serial,
            startedAt: s.started_at,
            outcome: s.outcome,
          })),
          ...(since.problem === undefined ? {} : { sessionsNotRead: since.problem }),
        },
        reason: 'restored from a verified backup',
        outcome: 'confirmed',
      });
      // The sessions made since the backup, with this record as their evidence here.
      const insert = db.prepare(
        `INSERT INTO programming_sessions (${SESSION_COLUMNS}, intent_audit_seq, outcome_audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const s of carried) {
        const open = s.outcome === 'pending' || s.outcome === 'unconfirmed';
        insert.run(
          s.session_uuid,
          s.pump_serial,
          s.started_at,
          s.actor,
          s.witness,
          s.intent_json,
          s.outcome,
          s.resolved_at,
          seq,
          open ? null : seq,
        );
      }
    })();
    const head = audit.checkpoint();
    if (head === undefined) {
      io.err(`pumpctl: the restored trail could not be signed: ${audit.signingProblem ?? 'unknown reason'}\n`);
      return EXIT.integrity;
    }
    const report = verifyAudit(db, keys);
    if (json)
      io.out(
        `${JSON.stringify({ restored: live, from, replacedFile: replacedFile ?? null, replacedHead: replacedHead ?? null, carriedSessions: carried.length, sessionsNotRead: since.problem ?? null, verification: report })}\n`,
      );
    if (report.status !== 'intact') return reportVerification(io, json, report);
    if (!json) {
      const lost =
        replacedHead !== undefined && replacedHead.databaseId === restored.databaseId && replacedHead.seq > restored.seq
          ? ` Records ${restored.seq + 1}–${replacedHead.seq} of the replaced file are not in the restored one (the replaced file is kept).`
          : '';
      io.out(
        `Restored ${live} from ${from}: ${report.records} audit record(s), intact, signed up to record ${head.seq}.${replacedFile === undefined ? '' : ` The replaced file is ${replacedFile}.`}${lost}${sessionsNote(since)}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/** What the restore did with the programming sessions made since the backup, as the operator reads it. */
function sessionsNote(since: ReturnType<typeof sessionsSinceBackup>): string {
  if (since.problem !== undefined)
    return ` The replaced file's programming sessions could not be read (${since.problem}): read every pump programmed since the backup before programming it again; its dose history here lacks those writes.`;
  if (since.sessions.length === 0) return '';
  const open = since.sessions.filter((s) => s.outcome === 'pending' || s.outcome === 'unconfirmed');
  const pumps = [...new Set(since.sessions.map((s) => s.pump_serial))].join(', ');
  return ` ${since.sessions.length} programming session(s) made since the backup were carried over (pumps ${pumps})${open.length === 0 ? '' : `; ${open.length} of them still open: those pumps stay blocked until they are read`}.`;
}
