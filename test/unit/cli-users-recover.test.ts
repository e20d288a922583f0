import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { usersCommand } from '../../cli/commands/users';
import { FileKeyStore } from '../../db/audit/keys';
import { verifyAudit } from '../../db/audit/verify';
import { openRuntime, type Runtime } from '../../services/runtime';
import { manualClock, tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let path: string;
let runtime: Runtime;
const PASSWORD = 'correct horse battery';
const previousKeyDir = process.env['PUMP_AUDIT_KEY_DIR'];

const open = async () => {
  runtime = await openRuntime({
    host: 'web',
    databasePath: path,
    simulator: true,
    keys: new FileKeyStore(join(dir, 'keys')),
    now: manualClock().now,
  });
};

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  path = join(dir, 'programmer.sqlite');
  // The command finds the database key and the checkpoint key where the host keeps them.
  process.env['PUMP_AUDIT_KEY_DIR'] = join(dir, 'keys');
  await open();
  expect(
    await runtime.dispatch('auth:setup', { username: 'pharm.zhao', displayName: 'Zhao', password: PASSWORD }),
  ).toMatchObject({ ok: true });
  await runtime.dispatch('auth:signOut', {});
});
afterEach(async () => {
  await runtime.close();
  cleanup();
  if (previousKeyDir === undefined) delete process.env['PUMP_AUDIT_KEY_DIR'];
  else process.env['PUMP_AUDIT_KEY_DIR'] = previousKeyDir;
});

const run = async (args: string[], stdin = Readable.from([])) => {
  let out = '';
  let err = '';
  const code = await usersCommand(args, { out: (t) => (out += t), err: (t) => (err += t) }, stdin);
  return { code, out, err };
};

describe('pumpctl users reset-password: the only administrator forgot the password', () => {
  it('prints a one-time password, lifts the lock-out, forces a change at sign-in and records who did it (never the password)', async () => {
    // The administrator forgot: wrong guesses lock the only administrator out.
    for (let i = 0; i < 6; i++)
      await runtime.dispatch('auth:signIn', { username: 'pharm.zhao', password: 'is it this one 1' });
    expect(await runtime.dispatch('auth:signIn', { username: 'pharm.zhao', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
    await runtime.close(); // the app is closed while the command runs, as the docs say

    const r = await run(['reset-password', '--db', path, '--user', 'pharm.zhao', '--json']);
    expect(r).toMatchObject({ code: 0, err: '' });
    const answer = JSON.parse(r.out) as { oneTimePassword: string; mustChange: boolean };
    expect(answer.mustChange).toBe(true);
    expect(answer.oneTimePassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);

    await open();
    expect(await runtime.dispatch('auth:signIn', { username: 'pharm.zhao', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(
      await runtime.dispatch('auth:signIn', { username: 'pharm.zhao', password: answer.oneTimePassword }),
    ).toMatchObject({ ok: true });
    expect(await runtime.dispatch('auth:status', {})).toMatchObject({
      ok: true,
      value: { passwordChangeRequired: true },
    });
    expect(await runtime.dispatch('users:list', {})).toMatchObject({
      ok: false,
      error: { code: 'PASSWORD_CHANGE_REQUIRED' },
    });
    expect(
      await runtime.dispatch('auth:changePassword', {
        password: answer.oneTimePassword,
        newPassword: 'a fresh admin passphrase',
      }),
    ).toMatchObject({ ok: true });
    expect(await runtime.dispatch('users:list', {})).toMatchObject({ ok: true });

    const record = runtime.db
      .prepare(`SELECT actor, old_json, new_json FROM audit_log WHERE action = 'user.recoverPassword'`)
      .get() as { actor: string; old_json: string; new_json: string };
    expect(record.actor).toMatch(/^cli:/);
    expect(JSON.parse(record.old_json)).toMatchObject({
      username: 'pharm.zhao',
      lockedUntil: expect.any(String) as unknown,
    });
    expect(JSON.parse(record.new_json)).toEqual({ username: 'pharm.zhao', role: 'admin', mustChange: true });
    const everything = JSON.stringify(runtime.db.prepare('SELECT * FROM audit_log').all());
    expect(everything).not.toContain(answer.oneTimePassword);
    expect(verifyAudit(runtime.db, new FileKeyStore(join(dir, 'keys'))).status).toBe('intact');
  });

  it('takes the password from standard input (never the command line), with the policy', async () => {
    await runtime.close();
    const weak = await run(
      ['reset-password', '--db', path, '--user', 'pharm.zhao', '--password-stdin'],
      Readable.from(['password123\n']),
    );
    expect(weak.code).not.toBe(0);
    expect(weak.err).toContain('common');
    const unknown = await run(
      ['reset-password', '--db', path, '--user', 'nobody', '--password-stdin'],
      Readable.from(['violet harbour tuesday\n']),
    );
    expect(unknown.code).not.toBe(0);
    const good = await run(
      ['reset-password', '--db', path, '--user', 'pharm.zhao', '--password-stdin'],
      Readable.from(['violet harbour tuesday\nignored\n']),
    );
    expect(good).toMatchObject({ code: 0 });
    expect(good.out).not.toContain('violet');
    await open();
    expect(
      await runtime.dispatch('auth:signIn', { username: 'pharm.zhao', password: 'violet harbour tuesday' }),
    ).toMatchObject({ ok: true });
    expect(await runtime.dispatch('auth:status', {})).toMatchObject({
      ok: true,
      value: { passwordChangeRequired: true },
    });
  });

  it('needs the database key: without it nothing is changed', async () => {
    await runtime.close();
    process.env['PUMP_AUDIT_KEY_DIR'] = join(dir, 'another-key-folder');
    const r = await run(['reset-password', '--db', path, '--user', 'pharm.zhao']);
    expect(r.code).toBe(2);
    expect(r.out).not.toContain('One-time password');
    process.env['PUMP_AUDIT_KEY_DIR'] = join(dir, 'keys');
    await open();
    expect(await runtime.dispatch('auth:signIn', { username: 'pharm.zhao', password: PASSWORD })).toMatchObject({
      ok: true,
    });
    expect(await runtime.dispatch('auth:status', {})).toMatchObject({
      ok: true,
      value: { passwordChangeRequired: false },
    });
  });
});
