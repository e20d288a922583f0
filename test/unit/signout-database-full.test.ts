import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../db/audit/keys';
import { zhCN } from '../../renderer/i18n/zh-CN';
import { openRuntime, type Runtime } from '../../services/runtime';
import { signInThrough, tempDir, TEST_PASSWORD } from './helpers';

/**
 * The database on a small tmpfs filled to the last block (the key folder elsewhere, writable):
 * sign-out and lock cannot write their records. The session still ends (or locks), and the
 * answer says the record failed.
 */
let dir: string;
let cleanup: () => void;
let full: string;
let mounted = false;
let runtime: Runtime | undefined;

function fill(at: string): void {
  const fd = openSync(join(at, 'filler'), 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  full = join(dir, 'full');
  mkdirSync(full);
  mounted =
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=600k', 'tmpfs', full]).status === 0;
});
afterEach(async () => {
  if (mounted) rmSync(join(full, 'filler'), { force: true });
  try {
    await runtime?.close();
  } finally {
    runtime = undefined;
    if (mounted) spawnSync('umount', [full]);
    cleanup();
  }
});

const status = async (r: Runtime) =>
  (await r.dispatch('auth:status', {})) as { ok: true; value: { user: unknown; locked: boolean } };

describe('signing out and locking with the database disk full', () => {
  it('the session locks and ends whatever happens to the record; the answer says the record failed', async (ctx) => {
    if (!mounted) return ctx.skip(); // needs root and mount (a real full file system)
    const keys = new FileKeyStore(join(dir, 'keys'));
    runtime = await openRuntime({
      host: 'web',
      databasePath: join(full, 'programmer.sqlite'),
      simulator: true,
      keys,
      databaseKey: false,
    });
    const rt = runtime;
    await signInThrough(rt.dispatch, 'dr.li');
    fill(full);

    // Lock and unlock until the database can take no more records.
    let lockFailure: unknown;
    for (let i = 0; i < 400 && lockFailure === undefined; i++) {
      const locked = await rt.dispatch('auth:lock', {});
      // Locked, whether or not the lock was recorded.
      expect((await status(rt)).value.locked).toBe(true);
      if (!locked.ok) {
        lockFailure = locked;
        break;
      }
      const back = await rt.dispatch('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
      if (!back.ok) break; // the unlock itself could not be recorded: the workstation stays locked
    }
    expect((await status(rt)).value.locked).toBe(true);
    expect(lockFailure).toMatchObject({
      ok: false,
      error: { code: 'STORAGE_FAILED', key: 'lockNotRecorded', message: expect.stringMatching(/full/) as unknown },
    });

    // Signing out of the locked workstation: the record cannot be written, the session ends anyway.
    const out = await rt.dispatch('auth:signOut', {});
    expect(out).toMatchObject({
      ok: false,
      error: {
        code: 'STORAGE_FAILED',
        key: 'signOutNotRecorded',
        message: expect.stringMatching(/^you are signed out, but the sign-out could not be recorded.*full/) as unknown,
      },
    });
    expect((await status(rt)).value).toMatchObject({ user: null, locked: false });
    expect(await rt.dispatch('pump:interrogate', {})).toMatchObject({ ok: false });
    // The words in Chinese, with the same values.
    expect(zhCN.serverMessage.signOutNotRecorded).toContain('{{error}}');
    expect(zhCN.serverMessage.lockNotRecorded).toContain('{{error}}');
  });

  it('signing out of an unlocked session on a full disk ends it too', async (ctx) => {
    if (!mounted) return ctx.skip();
    const keys = new FileKeyStore(join(dir, 'keys'));
    runtime = await openRuntime({
      host: 'web',
      databasePath: join(full, 'programmer.sqlite'),
      simulator: true,
      keys,
      databaseKey: false,
    });
    const rt = runtime;
    await signInThrough(rt.dispatch, 'dr.li');
    fill(full);
    // Use up what room the write-ahead log still has, with records that never change the session.
    let outcome: Awaited<ReturnType<typeof rt.dispatch>> = { ok: true, value: null };
    for (let i = 0; i < 400; i++) {
      if ((await status(rt)).value.user === null) break;
      outcome = await rt.dispatch('auth:signOut', {});
      expect((await status(rt)).value).toMatchObject({ user: null, locked: false });
      if (!outcome.ok) break;
      const back = await rt.dispatch('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
      if (!back.ok) break;
    }
    expect(outcome).toMatchObject({ ok: false, error: { key: 'signOutNotRecorded' } });
    expect((await status(rt)).value).toMatchObject({ user: null, locked: false });
  });
});
