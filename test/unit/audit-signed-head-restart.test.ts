import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyKey } from '../../db/connection';
import { DatabaseKeyFile, FileKeyStore } from '../../db/audit/keys';
import { databaseLocation } from '../../db/audit/log';
import { AUDIT_COLUMNS, hashRow } from '../../db/audit/record';
import { openRuntime, type Runtime } from '../../services/runtime';
import { signInThrough, tempDir, TEST_PASSWORD } from './helpers';

/**
 * What was signed survives the process that signed it. A sign-out while the key folder cannot
 * take a new file (its disk full; for a user other than root, a folder without write permission)
 * stores its checkpoint in the database, and the head in place in the slots file made while the
 * folder could be written. Someone with plain SQLite then rewrites a record after the head file's
 * record, re-computes the chain and deletes the checkpoints beyond it and the record of the failed
 * signature. New processes (pumpctl, the built web host: `npm run build`) must still see it: verify
 * fails, and the host's start and close never sign the forgery.
 */
let dir: string;
let cleanup: () => void;
let keyDir: string;
let mounted = false;
let runtime: Runtime | undefined;
const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
const mount = (...args: string[]) => spawnSync('mount', args).status === 0;

/** No new file can be written in the key folder: its tmpfs filled (root), or no write permission on it. */
function noNewFiles(): void {
  if (!asRoot) {
    chmodSync(keyDir, 0o500);
    return;
  }
  const fd = openSync(join(keyDir, 'filler'), 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}
function newFilesAgain(): void {
  if (asRoot) rmSync(join(keyDir, 'filler'), { force: true });
  else chmodSync(keyDir, 0o700);
}

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

/** Runs the built web host until it serves, then stops it (SIGTERM, it closes the store); returns its stderr. */
function runHost(databasePath: string): Promise<string> {
  const child = spawn(process.execPath, ['dist/web/server.cjs', '--port', '0', '--db', databasePath, '--simulator'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PUMP_AUDIT_KEY_DIR: keyDir },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the web host did not start:\n${out}\n${err}`));
    }, 30_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (/open:\s+http/.test(out)) child.kill('SIGTERM');
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!/open:\s+http/.test(out)) reject(new Error(`the web host exited with ${String(code)}:\n${out}\n${err}`));
      else resolve(err);
    });
  });
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  keyDir = join(dir, 'keys');
  mkdirSync(keyDir, { mode: 0o700 });
  mounted = asRoot && mount('-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', keyDir);
});
afterEach(async () => {
  newFilesAgain();
  await runtime?.close();
  runtime = undefined;
  if (mounted) spawnSync('umount', [keyDir]);
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('a signed head the head file could not take', () => {
  it('is kept in place in its slots: after a restart, verify fails on a forged tail and no new process signs it', async (ctx) => {
    if (asRoot && !mounted) return ctx.skip(); // root without mount (a container without the capability)
    const keys = new FileKeyStore(keyDir);
    const dbPath = join(dir, 'programmer.sqlite');
    runtime = await openRuntime({ host: 'web', databasePath: dbPath, simulator: true, keys, databaseKey: false });
    const { db, dispatch } = runtime;
    await signInThrough(dispatch, 'dr.li');
    await dispatch('auth:signOut', {});
    const location = databaseLocation(db) ?? '';
    const headFile = readdirSync(keyDir).find((f) => f.endsWith('.head')) ?? '';
    const signedHead = keys.readHead(location)?.seq ?? 0;
    expect(signedHead).toBeGreaterThan(0);
    await dispatch('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });

    noNewFiles();
    expect(await dispatch('auth:signOut', {})).toEqual({ ok: true, value: null });
    const signOut = db
      .prepare<[], number>(`SELECT max(seq) FROM audit_log WHERE action = 'user.signOut'`)
      .pluck()
      .get();
    expect(signOut).toBeGreaterThan(signedHead);
    // The head file could not be replaced; the head signed over the sign-out is in its slots.
    expect(db.prepare('SELECT max(seq) FROM audit_checkpoints').pluck().get()).toBe(signOut);
    expect(keys.readHead(location)?.seq).toBeGreaterThanOrEqual(signOut ?? 0);
    await runtime.close();
    runtime = undefined;
    const signed = keys.readHead(location);

    // The attacker, with plain SQLite: the sign-in after the head file's record becomes the
    // administrator's, the chain re-computed, the later checkpoints and the failure records deleted.
    rehashFrom(dbPath, signedHead + 1, (d) => {
      d.prepare(`UPDATE audit_log SET actor = 'admin', role = 'admin', reason = 'forged' WHERE seq = ?`).run(
        signedHead + 1,
      );
      d.prepare('DELETE FROM audit_checkpoints WHERE seq > ?').run(signedHead);
      d.prepare(`DELETE FROM audit_log WHERE action = 'audit.checkpointFailed'`).run();
    });
    newFilesAgain();

    // A new process verifies: the signed head (from the slots) does not match the re-computed chain.
    const verified = spawnSync(process.execPath, ['bin/pumpctl.cjs', 'audit', 'verify', '--db', dbPath, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, PUMP_AUDIT_KEY_DIR: keyDir },
    });
    expect(verified.status, verified.stderr).toBe(4);
    const report = JSON.parse(verified.stdout) as { status: string; firstFailure?: { problem: string } };
    expect(report.status).toBe('failed');
    // The slots hold the head over the sign-out and the later one over the failure record (deleted too).
    expect(['CHECKPOINT_MISMATCH', 'TRUNCATED']).toContain(report.firstFailure?.problem);

    // A new host process starts (its retry finds the debt) and closes (which signs): neither signs the forgery.
    const log = await runHost(dbPath);
    expect(log).toMatch(/changed since it was signed/);
    // (The web host encrypted the plain database at its start: it is read with the database key.)
    const after = new Database(dbPath, { readonly: true });
    const databaseKey = new DatabaseKeyFile(keyDir).read();
    if (databaseKey !== undefined) applyKey(after, databaseKey);
    expect(after.prepare('SELECT count(*) FROM audit_checkpoints WHERE seq > ?').pluck().get(signedHead)).toBe(0);
    after.close();
    expect(keys.readHead(location)).toEqual(signed);
    expect(readdirSync(keyDir)).toContain(headFile);
  }, 60_000);
});
