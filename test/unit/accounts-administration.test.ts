import { describe, expect, it } from 'vitest';
import { createUser, resetPassword, setAccountDisabled, signIn, witnessSignOff } from '../../services/auth/accounts';
import { accountsFixture } from './accounts-support';

const f = accountsFixture();

describe('account administration', () => {
  it('disables and re-enables an account: a disabled user cannot sign in or witness, and the change is audited', async () => {
    const a = await f.admin();
    const nurse = await createUser(f.deps, a, {
      username: 'nurse.wang',
      displayName: 'Wang',
      password: 'nurse password 1',
      role: 'nurse',
    });
    if (!nurse.ok) throw new Error(nurse.error.message);
    expect(setAccountDisabled(f.deps, nurse.value, 'pharm.zhao', true)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(setAccountDisabled(f.deps, a, 'nurse.wang', true)).toEqual({ ok: true, value: null });
    expect(await signIn(f.deps, { username: 'nurse.wang', password: 'nurse password 1' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(await witnessSignOff(f.deps, a, { username: 'nurse.wang', password: 'nurse password 1' })).toMatchObject({
      ok: false,
    });
    expect(setAccountDisabled(f.deps, a, 'nurse.wang', false)).toEqual({ ok: true, value: null });
    expect(await signIn(f.deps, { username: 'nurse.wang', password: 'nurse password 1' })).toMatchObject({ ok: true });
    expect(
      f.db
        .prepare(`SELECT action FROM audit_log WHERE action IN ('user.disable', 'user.enable') ORDER BY seq`)
        .pluck()
        .all(),
    ).toEqual(['user.disable', 'user.enable']);
  });

  it('never disables the signed-in administrator or the last active one', async () => {
    const a = await f.admin();
    expect(setAccountDisabled(f.deps, a, 'pharm.zhao', true)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const other = await createUser(f.deps, a, {
      username: 'pharm.sun',
      displayName: 'Sun',
      password: 'pharm password 1',
      role: 'admin',
    });
    if (!other.ok) throw new Error(other.error.message);
    expect(setAccountDisabled(f.deps, other.value, 'pharm.zhao', true)).toEqual({ ok: true, value: null });
    expect(setAccountDisabled(f.deps, other.value, 'pharm.sun', true)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(setAccountDisabled(f.deps, a, 'nobody', true)).toMatchObject({ ok: false, error: { field: 'username' } });
  });

  it('resets a forgotten password, lifting a lock-out, without recording the password', async () => {
    const a = await f.admin();
    await createUser(f.deps, a, {
      username: 'dr.li',
      displayName: 'Li',
      password: 'doctor password 1',
      role: 'physician',
    });
    for (let i = 0; i < 5; i++) await signIn(f.deps, { username: 'dr.li', password: 'wrong password' });
    expect(await signIn(f.deps, { username: 'dr.li', password: 'doctor password 1' })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
    expect(await resetPassword(f.deps, a, 'dr.li', 'short')).toMatchObject({ ok: false, error: { field: 'password' } });
    expect(await resetPassword(f.deps, a, 'dr.li', 'a new password 2')).toEqual({ ok: true, value: null });
    expect(await signIn(f.deps, { username: 'dr.li', password: 'doctor password 1' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(await signIn(f.deps, { username: 'dr.li', password: 'a new password 2' })).toMatchObject({ ok: true });
    const records = f.db
      .prepare(`SELECT actor, new_json FROM audit_log WHERE action = 'user.resetPassword'`)
      .all() as Array<{ actor: string; new_json: string }>;
    expect(records).toEqual([{ actor: 'pharm.zhao', new_json: expect.not.stringContaining('password 2') as unknown }]);
  });
});
