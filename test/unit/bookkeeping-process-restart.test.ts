import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseKeyFile, FileKeyStore } from '../../db/audit/keys';
import { verifyAudit } from '../../db/audit/verify';
import { openStoreReadOnly } from '../../db/store';
import { openRuntime } from '../../services/runtime';
import { signInThrough, tempDir } from './helpers';

/**
 * The owed signature survives a restart of the host *process*: a sign-out owes it in this process
 * (the key folder on its own tmpfs, remounted read-only), then the built web host
 * (dist/web/server.cjs, `npm run build`) is started as a new process on the same files. Needs root
 * for mount, as the other read-only key folder tests.
 */
let dir: string;
let cleanup: () => void;
let keyDir: string;
let mounted = false;
const mount = (...args: string[]) => spawnSync('mount', args).status === 0;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  keyDir = join(dir, 'keys');
  mkdirSync(keyDir, { mode: 0o700 });
  mounted =
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    mount('-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', keyDir);
});
afterEach(() => {
  if (mounted) spawnSync('umount', [keyDir]);
  cleanup();
});

/** Runs the built web host until it serves, then stops it (SIGTERM); returns what it wrote to stderr. */
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

describe('a signature owed across a restart of the host process', () => {
  it('is found by the new process, alarmed while the key folder is read-only, and made once it is writable', async (ctx) => {
    if (!mounted) return ctx.skip();
    expect(existsSync('dist/web/server.cjs')).toBe(true);
    const path = join(dir, 'programmer.sqlite');
    const keys = new FileKeyStore(keyDir);
    const first = await openRuntime({ host: 'web', databasePath: path, simulator: true, keys });
    await signInThrough(first.dispatch, 'dr.li');
    expect(mount('-o', 'remount,ro', keyDir)).toBe(true);
    expect(await first.dispatch('auth:signOut', {})).toEqual({ ok: true, value: null });
    expect(first.audit.signatureOwed()).toBeDefined();
    await first.close(); // this process's memory of the debt ends here

    // A new process, the folder still read-only: it finds the debt on disk and reports it.
    const second = await runHost(path);
    expect(second).toMatch(/audit trail: .*(not made yet|not written|behind).*(EROFS|read-only)/);

    // Writable again: the next process makes the signature at start, and owes nothing.
    expect(mount('-o', 'remount,rw', keyDir)).toBe(true);
    const third = await runHost(path);
    expect(third).not.toMatch(/audit trail:/);
    const db = openStoreReadOnly(path, new DatabaseKeyFile(keyDir));
    try {
      const report = verifyAudit(db, keys);
      expect(report).toMatchObject({ status: 'intact', unprotectedTail: 0 });
      expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'audit.checkpointFailed'`).pluck().get()).toBe(
        1,
      );
    } finally {
      db.close();
    }
  });
});
