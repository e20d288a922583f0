import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../db/audit/keys';
import { databaseLocation } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { retryBookkeeping } from '../../services/session-outcomes';
import { openRuntime, type Runtime } from '../../services/runtime';
import { signInThrough, tempDir } from './helpers';

/**
 * The key folder made unwritable for real: for root (whom chmod does not stop) its own small tmpfs
 * remounted read-only (EROFS); for anyone else, chmod 0500 (EACCES).
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

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  keyDir = join(dir, 'keys');
  mkdirSync(keyDir, { mode: 0o700 });
  mounted = asRoot && mount('-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', keyDir);
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  if (mounted) spawnSync('umount', [keyDir]);
  else chmodSync(keyDir, 0o700);
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('signing out while the key folder cannot be written', () => {
  it('completes: the session ends, the sign-out is recorded, the signature it owes is recorded as owed and made later', async (ctx) => {
    if (asRoot && !mounted) return ctx.skip(); // root without mount (a container without the capability)
    const keys = new FileKeyStore(keyDir);
    runtime = await openRuntime({ host: 'web', databasePath: join(dir, 'programmer.sqlite'), simulator: true, keys });
    const { db, dispatch, audit } = runtime;
    await signInThrough(dispatch, 'dr.li');
    const location = databaseLocation(db) ?? '';
    const headBefore = keys.readHead(location);
    expect(makeUnwritable()).toBe(true);

    const out = await dispatch('auth:signOut', {});
    expect(out).toEqual({ ok: true, value: null });
    // The session ended: nobody is signed in, and a clinical channel is refused.
    expect(await dispatch('auth:status', {})).toMatchObject({ ok: true, value: { user: null } });
    expect(await dispatch('pump:interrogate', {})).toMatchObject({ ok: false });

    // The sign-out record is committed, and after it the failed signature is on record.
    const signOut = db.prepare(`SELECT max(seq) FROM audit_log WHERE action = 'user.signOut'`).pluck().get() as number;
    expect(signOut).toBeGreaterThan(0);
    const failed = db
      .prepare<[number], { seq: number; new_json: string }>(
        `SELECT seq, new_json FROM audit_log WHERE action = 'audit.checkpointFailed' AND seq > ?`,
      )
      .get(signOut);
    expect(failed?.new_json).toMatch(/EROFS|EACCES|read-only|permission denied/i);
    // Nothing outside the database names the sign-out; the debt is derived from the disk (a restart keeps it) and alarmed.
    expect(keys.readHead(location)).toEqual(headBefore);
    expect(audit.signatureOwed()).toMatch(/not made yet|not written|behind/);
    expect(await dispatch('app:info', {})).toMatchObject({
      ok: true,
      value: { bookkeeping: [{ key: 'bookkeepingNotSigned', params: { detail: expect.any(String) as unknown } }] },
    });

    // The folder comes back: the owed signature is made over the sign-out, and the alarm ends.
    expect(makeWritable()).toBe(true);
    expect(retryBookkeeping({ audit })).toBe(true);
    expect(audit.signatureOwed()).toBeUndefined();
    expect(await dispatch('app:info', {})).not.toHaveProperty('value.bookkeeping');
    const report = verifyAudit(db, keys);
    expect(report).toMatchObject({ status: 'intact', unprotectedTail: 0 });
    expect(keys.readHead(location)?.seq).toBe(report.records);
    expect(report.records).toBeGreaterThan(signOut);
  });
});
