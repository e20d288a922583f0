import { randomBytes, scryptSync } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import {
  changePassword,
  createFirstAdmin,
  createUser,
  passwordChangeRequired,
  resetPassword,
  signIn,
  type AccountDeps,
} from '../../services/auth/accounts';
import { hashPassword, needsRehash, passwordProblem } from '../../services/auth/password';
import { manualClock, tempDir } from './helpers';
import { realPasswordCost } from '../support/password-cost';

// What is tested here depends on the real work factor (N = 2^17).
realPasswordCost();

let cleanup: () => void;
let db: Db;
let deps: AccountDeps;
const PASSWORD = 'correct horse battery';

beforeEach(() => {
  let dir: string;
  ({ dir, cleanup } = tempDir());
  db = openDatabase(join(dir, 'accounts.sqlite'));
  deps = { db, audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))), now: manualClock().now };
});
afterEach(() => {
  db.close();
  cleanup();
});

const storedHash = (username: string) =>
  db.prepare<[string], string>('SELECT password_hash FROM users WHERE username = ?').pluck().get(username);

describe('the password policy', () => {
  it.each([
    ['short', 'at least 10'],
    ['password123', 'common'],
    ['Password 123', 'common'],
    ['QWERTYUIOP', 'common'],
    ['1q2w3e4r5t', 'common'],
    ['woaini1314', 'common'],
    ['aaaaaaaaaaaa', 'different characters'],
    ['abababababab', 'different characters'],
    ['abcdefghijk', 'consecutive'],
    ['zyxwvutsrqp', 'consecutive'],
    ['dr.li2026!!', 'user name'],
    ['2026-DR.LI-2026', 'user name'],
  ])('refuses %j (%s)', (password, why) => {
    expect(passwordProblem(password, 'dr.li')).toContain(why);
  });

  it('accepts a passphrase', () => {
    expect(passwordProblem('violet river tuesday', 'dr.li')).toBeUndefined();
  });

  it('applies to new accounts', async () => {
    expect(
      await createFirstAdmin(deps, { username: 'pharm.zhao', displayName: 'Zhao', password: 'password123' }),
    ).toMatchObject({ ok: false, error: { field: 'password' } });
  });
});

describe('password hashes', () => {
  it('use scrypt at N=2^17, r=8, p=1', async () => {
    expect(await hashPassword('violet river tuesday')).toMatch(/^scrypt\$131072\$8\$1\$/);
  });

  it('made with older, weaker parameters are replaced at the next sign-in, transparently', async () => {
    const a = await createFirstAdmin(deps, { username: 'pharm.zhao', displayName: 'Zhao', password: PASSWORD });
    if (!a.ok) throw new Error(a.error.message);
    // A hash as the earlier release wrote it (N = 2^15), made here with plain node:crypto.
    const salt = randomBytes(16);
    const old = [
      'scrypt',
      32768,
      8,
      1,
      salt.toString('base64'),
      scryptSync(PASSWORD, salt, 64, { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }).toString('base64'),
    ].join('$');
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(old, a.value.id);
    expect(needsRehash(old)).toBe(true);

    expect(await signIn(deps, { username: 'pharm.zhao', password: 'not the password' })).toMatchObject({ ok: false });
    expect(storedHash('pharm.zhao')).toBe(old);
    expect(await signIn(deps, { username: 'pharm.zhao', password: PASSWORD })).toMatchObject({ ok: true });
    const upgraded = storedHash('pharm.zhao') ?? '';
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(needsRehash(upgraded)).toBe(false);
    expect(await signIn(deps, { username: 'pharm.zhao', password: PASSWORD })).toMatchObject({ ok: true });
    expect(storedHash('pharm.zhao')).toBe(upgraded);
  });
});

describe('changing a password', () => {
  it('after an administrator’s reset is required, and done by the user with the password they were given', async () => {
    const a = await createFirstAdmin(deps, { username: 'pharm.zhao', displayName: 'Zhao', password: PASSWORD });
    if (!a.ok) throw new Error(a.error.message);
    await createUser(deps, a.value, {
      username: 'dr.li',
      displayName: 'Li',
      password: 'violet river tuesday',
      role: 'physician',
    });
    expect(passwordChangeRequired(db, 'dr.li')).toBe(false);
    expect(await resetPassword(deps, a.value, 'dr.li', 'temporary given 42')).toEqual({ ok: true, value: null });
    expect(passwordChangeRequired(db, 'dr.li')).toBe(true);

    expect(
      await changePassword(deps, { username: 'dr.li', password: 'temporary given 42', newPassword: 'password123' }),
    ).toMatchObject({ ok: false, error: { field: 'newPassword' } });
    expect(
      await changePassword(deps, {
        username: 'dr.li',
        password: 'temporary given 42',
        newPassword: 'temporary given 42',
      }),
    ).toMatchObject({ ok: false, error: { field: 'newPassword' } });
    expect(
      await changePassword(deps, {
        username: 'dr.li',
        password: 'wrong current 1',
        newPassword: 'amber forest monday',
      }),
    ).toMatchObject({ ok: false, error: { code: 'WRONG_CREDENTIALS' } });
    expect(
      await changePassword(deps, {
        username: 'dr.li',
        password: 'temporary given 42',
        newPassword: 'amber forest monday',
      }),
    ).toEqual({ ok: true, value: null });

    expect(passwordChangeRequired(db, 'dr.li')).toBe(false);
    expect(await signIn(deps, { username: 'dr.li', password: 'temporary given 42' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(await signIn(deps, { username: 'dr.li', password: 'amber forest monday' })).toMatchObject({ ok: true });

    const rows = db
      .prepare(`SELECT actor, outcome, new_json FROM audit_log WHERE action = 'user.changePassword' ORDER BY seq`)
      .all() as Array<{ actor: string; outcome: string; new_json: string | null }>;
    expect(rows.map((r) => r.outcome)).toEqual(['rejected', 'confirmed']);
    expect(JSON.parse(rows[1]?.new_json ?? '{}')).toEqual({ username: 'dr.li', wasRequired: true });
    const all = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
    for (const secret of ['temporary given', 'amber forest', 'wrong current']) expect(all).not.toContain(secret);
  });

  it('counts a wrong current password towards the lock-out', async () => {
    await createFirstAdmin(deps, { username: 'pharm.zhao', displayName: 'Zhao', password: PASSWORD });
    for (let i = 0; i < 5; i++)
      await changePassword(deps, {
        username: 'pharm.zhao',
        password: `wrong current ${i}`,
        newPassword: 'amber forest monday',
      });
    expect(
      await changePassword(deps, { username: 'pharm.zhao', password: PASSWORD, newPassword: 'amber forest monday' }),
    ).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
  });
});
