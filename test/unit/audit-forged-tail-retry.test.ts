import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../db/audit/keys';
import { databaseLocation } from '../../db/audit/log';
import { AUDIT_COLUMNS, hashRow } from '../../db/audit/record';
import { verifyAudit } from '../../db/audit/verify';
import { bookkeepingProblem, retryBookkeeping } from '../../services/session-outcomes';
import { openRuntime, type Runtime } from '../../services/runtime';
import { signInThrough, tempDir, TEST_PASSWORD } from './helpers';

/**
 * A sign-out while the key folder cannot be written stores its checkpoint in the database but not
 * in the head file. Someone with plain SQLite then rewrites a record after the head, re-computes
 * the chain, and deletes the checkpoints beyond the head and the audit.checkpointFailed record.
 * When the folder is writable again, the retry must not sign the forgery.
 */
let dir: string;
let cleanup: () => void;
let keyDir: string;
let mounted = false;
let runtime: Runtime | undefined;
const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
const mount = (...args: string[]) => spawnSync('mount', args).status === 0;
const makeUnwritable = (): boolean => (asRoot ? mount('-o', 'remount,ro', keyDir) : (chmodSync(keyDir, 0o500), true));
const makeWritable = (): boolean => (asRoot ? mount('-o', 'remount,rw', keyDir) : (chmodSync(keyDir, 0o700), true));

/** Plain SQLite: drops the guards, runs `mutate`, then re-computes every hash from record `from` on. */
function rehashFrom(dbPath: string, from: number, mutate: (d: Database.Database) => void): void {
  const d = new Database(dbPath);
  d.pragma('foreign_keys = OFF');
  for (const t of ['audit_log_no_update', 'audit_log_no_delete', 'audit_checkpoints_no_delete'])
    d.exec(`DROP TRIGGER IF EXISTS ${t}`);
  mutate(d);
  const rows = d
    .prepare(`SELECT seq, ${AUDIT_COLUMNS.join(', ')} FROM audit_log WHERE seq >= ? ORDER BY seq`)
    .raw(true)
    .all(from) as unknown[][];
  let prev = d
    .prepare('SELECT hash FROM audit_log WHERE seq = ?')
    .pluck()
    .get(from - 1) as string;
  const prevIdx = (AUDIT_COLUMNS as readonly string[]).indexOf('prev_hash');
  for (const r of rows) {
    const values = r.slice(1);
    values[prevIdx] = prev;
    const h = hashRow(values);
    d.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, h, r[0]);
    prev = h;
  }
  d.close();
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  keyDir = join(dir, 'keys');
  mkdirSync(keyDir, { mode: 0o700 });
  mounted = asRoot && mount('-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', keyDir);
});
afterEach(async () => {
  if (mounted) makeWritable();
  else chmodSync(keyDir, 0o700);
  await runtime?.close();
  runtime = undefined;
  if (mounted) spawnSync('umount', [keyDir]);
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('a tail forged while its signature is owed', () => {
  it('is never signed by the retry: the alarm stays on and says the trail changed since it was signed', async (ctx) => {
    if (asRoot && !mounted) return ctx.skip(); // root without mount (a container without the capability)
    const keys = new FileKeyStore(keyDir);
    const dbPath = join(dir, 'programmer.sqlite');
    runtime = await openRuntime({ host: 'web', databasePath: dbPath, simulator: true, keys, databaseKey: false });
    const { db, dispatch, audit } = runtime;
    await signInThrough(dispatch, 'dr.li');
    await dispatch('auth:signOut', {});
    const location = databaseLocation(db) ?? '';
    const signedHead = keys.readHead(location)?.seq ?? 0;
    expect(signedHead).toBeGreaterThan(0);
    await dispatch('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });

    expect(makeUnwritable()).toBe(true);
    expect(await dispatch('auth:signOut', {})).toEqual({ ok: true, value: null });
    // The checkpoint is in the database, the head file is behind it, the debt is alarmed.
    expect(keys.readHead(location)?.seq).toBe(signedHead);
    const beyond = db.prepare('SELECT count(*) FROM audit_checkpoints WHERE seq > ?').pluck().get(signedHead);
    expect(beyond).toBe(1);
    expect(bookkeepingProblem(audit)).toMatch(/not signed yet/);

    // The attacker: the sign-in after the head becomes the administrator's, the chain re-computed,
    // the checkpoint beyond the head and the record of the failed signature deleted.
    rehashFrom(dbPath, signedHead + 1, (d) => {
      d.prepare(`UPDATE audit_log SET actor = 'admin', role = 'admin', reason = 'forged' WHERE seq = ?`).run(
        signedHead + 1,
      );
      d.prepare('DELETE FROM audit_checkpoints WHERE seq > ?').run(signedHead);
      d.prepare(`DELETE FROM audit_log WHERE action = 'audit.checkpointFailed'`).run();
    });

    expect(makeWritable()).toBe(true);
    expect(retryBookkeeping({ audit })).toBe(false);
    expect(audit.signingProblem).toMatch(/changed since it was signed/);
    expect(bookkeepingProblem(audit)).toMatch(/not signed yet.*changed since it was signed/);
    expect(await dispatch('app:info', {})).toMatchObject({
      ok: true,
      value: {
        bookkeeping: [
          {
            key: 'bookkeepingTrailChanged',
            params: { detail: expect.stringMatching(/changed since it was signed/) as unknown },
          },
        ],
      },
    });
    // Nothing signed the forgery: no checkpoint names it, the head file stays where it was.
    expect(db.prepare('SELECT count(*) FROM audit_checkpoints WHERE seq > ?').pluck().get(signedHead)).toBe(0);
    expect(keys.readHead(location)?.seq).toBe(signedHead);
    // Asked again (the timer, a later action), still nothing is signed.
    expect(retryBookkeeping({ audit })).toBe(false);
    expect(audit.checkpoint()).toBeUndefined();
    expect(verifyAudit(db, keys).unprotectedTail).toBeGreaterThan(0);
  });

  it('an untouched trail is signed by the same retry once the folder is writable', async (ctx) => {
    if (asRoot && !mounted) return ctx.skip();
    const keys = new FileKeyStore(keyDir);
    runtime = await openRuntime({
      host: 'web',
      databasePath: join(dir, 'programmer.sqlite'),
      simulator: true,
      keys,
      databaseKey: false,
    });
    const { db, dispatch, audit } = runtime;
    await signInThrough(dispatch, 'dr.li');
    expect(makeUnwritable()).toBe(true);
    await dispatch('auth:signOut', {});
    expect(bookkeepingProblem(audit)).toMatch(/not signed yet/);
    expect(makeWritable()).toBe(true);
    expect(retryBookkeeping({ audit })).toBe(true);
    expect(bookkeepingProblem(audit)).toBeUndefined();
    const last = db.prepare('SELECT max(seq) FROM audit_log').pluck().get();
    expect(keys.readHead(databaseLocation(db) ?? '')?.seq).toBe(last);
    expect(verifyAudit(db, keys)).toMatchObject({ status: 'intact', unprotectedTail: 0 });
  });
});
