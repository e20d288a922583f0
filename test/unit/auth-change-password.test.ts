import { describe, expect, it } from 'vitest';
import { channels } from '../../core/api/channels';
import { ALLOWED_BEFORE_PASSWORD_CHANGE } from '../../services/auth/forced-change';
import { witnessSignOff } from '../../services/auth/accounts';
import { TEST_PASSWORD } from './helpers';
import { runtimeFixture } from './runtime-fixture';

const f = runtimeFixture();
const RESET = 'temporary river 4417';
const OWN = 'violet harbour tuesday';

/** The administrator and a physician (each account costs a full scrypt hash, so only these two). */
async function twoAccounts(): Promise<void> {
  await f.value('auth:setup', { username: 'admin', displayName: 'Site Admin', password: TEST_PASSWORD });
  await f.value('users:create', {
    username: 'dr.li',
    displayName: 'Dr Li',
    password: TEST_PASSWORD,
    role: 'physician',
  });
}

/** dr.li's password reset by the administrator, then dr.li signed in with it. */
async function resetAndSignIn(): Promise<void> {
  await twoAccounts();
  await f.value('users:resetPassword', { username: 'dr.li', password: RESET });
  await f.value('auth:signIn', { username: 'dr.li', password: RESET });
}

const auditRows = () => f.runtime.db.prepare<[], Record<string, unknown>>('SELECT * FROM audit_log ORDER BY seq').all();

describe('a password reset by an administrator is changed before anything else', () => {
  it('refuses every channel but the allowed ones, before reading the input, with PASSWORD_CHANGE_REQUIRED', async () => {
    await resetAndSignIn();
    const status = await f.value<{ passwordChangeRequired: boolean; user: { username: string } }>('auth:status');
    expect(status).toMatchObject({ passwordChangeRequired: true, user: { username: 'dr.li' } });
    const refused = channels.filter((c) => !ALLOWED_BEFORE_PASSWORD_CHANGE.has(c));
    expect(refused.length).toBeGreaterThan(35);
    for (const channel of refused) {
      const r = await f.call(channel, {});
      expect({ channel, r }).toMatchObject({ channel, r: { ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } } });
    }
    // The handlers themselves are guarded too (a host calling one directly).
    const direct = await f.runtime.handlers['patients:search']({ query: '' });
    expect(direct).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
    expect([...ALLOWED_BEFORE_PASSWORD_CHANGE].sort()).toEqual([
      'app:info',
      'auth:changePassword',
      'auth:lock',
      'auth:setup',
      'auth:signIn',
      'auth:signOut',
      'auth:status',
    ]);
    expect(await f.call('app:info')).toMatchObject({ ok: true });
  });

  it('lets the user work once they chose their own password, recorded without either password', async () => {
    await resetAndSignIn();
    expect(await f.call('auth:changePassword', { password: RESET, newPassword: OWN })).toEqual({
      ok: true,
      value: null,
    });
    expect(await f.value('auth:status')).toMatchObject({ passwordChangeRequired: false, user: { username: 'dr.li' } });
    expect(await f.call('patients:search', { query: '' })).toMatchObject({ ok: true });
    // The old password no longer signs in; the new one does, without a forced change.
    await f.value('auth:signOut');
    expect(await f.call('auth:signIn', { username: 'dr.li', password: RESET })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    await f.value('auth:signIn', { username: 'dr.li', password: OWN });
    expect(await f.value('auth:status')).toMatchObject({ passwordChangeRequired: false });

    const rows = auditRows();
    const change = rows.filter((r) => r.action === 'user.changePassword');
    expect(change).toHaveLength(1);
    expect(change[0]).toMatchObject({ actor: 'dr.li', outcome: 'confirmed' });
    expect(JSON.parse(String(change[0]?.new_json))).toEqual({ username: 'dr.li', wasRequired: true });
    const everything = JSON.stringify(rows);
    for (const secret of [RESET, OWN, TEST_PASSWORD]) expect(everything).not.toContain(secret);
  });

  it('applies the password policy and refuses the same password, translated by field', async () => {
    await resetAndSignIn();
    for (const newPassword of ['short', 'password123', 'Dr.Li2026!!', 'aaaaaaaaaaaa', 'abcdefghijk']) {
      expect(await f.call('auth:changePassword', { password: RESET, newPassword })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', field: 'newPassword' },
      });
    }
    expect(await f.call('auth:changePassword', { password: RESET, newPassword: RESET })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'newPassword' },
    });
    // Still forced, nothing changed.
    expect(await f.value('auth:status')).toMatchObject({ passwordChangeRequired: true });
    expect(await f.call('patients:search', { query: '' })).toMatchObject({
      ok: false,
      error: { code: 'PASSWORD_CHANGE_REQUIRED' },
    });
  });

  it('counts a wrong current password towards the lock-out, and a lock-out signs the workstation out', async () => {
    await resetAndSignIn();
    for (let i = 0; i < 4; i++) {
      expect(
        await f.call('auth:changePassword', { password: 'not the password at all', newPassword: OWN }),
      ).toMatchObject({ ok: false, error: { code: 'WRONG_CREDENTIALS' } });
    }
    expect(await f.value('auth:status')).toMatchObject({ user: { username: 'dr.li' }, passwordChangeRequired: true });
    const fifth = await f.call('auth:changePassword', { password: 'not the password at all', newPassword: OWN });
    expect(fifth).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    expect(await f.value('auth:status')).toMatchObject({ user: null });
    // Even the right password is refused while locked (no check is run).
    expect(await f.call('auth:signIn', { username: 'dr.li', password: RESET })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
    const rejected = auditRows().filter((r) => r.action === 'user.changePassword' && r.outcome === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(5);
    // After the lock-out the reset password signs in again, and the change is still required.
    f.clock.advanceMinutes(16);
    await f.value('auth:signIn', { username: 'dr.li', password: RESET });
    expect(await f.value('auth:status')).toMatchObject({ passwordChangeRequired: true });
    await f.value('auth:changePassword', { password: RESET, newPassword: OWN });
    expect(await f.call('patients:search', { query: '' })).toMatchObject({ ok: true });
  });

  it('takes effect at once when the administrator resets the password of a signed-in user', async () => {
    await twoAccounts();
    expect(await f.call('patients:search', { query: '' })).toMatchObject({ ok: true });
    await f.value('users:resetPassword', { username: 'admin', password: RESET });
    // The administrator reset their own: they too choose their own before anything else.
    expect(await f.call('users:list')).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
  });

  it('needs a signed-in, unlocked user to change a password', async () => {
    await resetAndSignIn();
    await f.value('auth:lock');
    expect(await f.call('auth:changePassword', { password: RESET, newPassword: OWN })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_LOCKED' },
    });
    await f.value('auth:signOut');
    expect(await f.call('auth:changePassword', { password: RESET, newPassword: OWN })).toMatchObject({
      ok: false,
      error: { code: 'SIGNED_OUT' },
    });
  });

  it('lets nobody witness with a password an administrator set', async () => {
    await resetAndSignIn();
    await f.value('auth:changePassword', { password: RESET, newPassword: OWN });
    await f.value('auth:signIn', { username: 'admin', password: TEST_PASSWORD });
    await f.value('users:create', {
      username: 'nurse.wang',
      displayName: 'Nurse Wang',
      password: TEST_PASSWORD,
      role: 'nurse',
    });
    await f.value('users:create', {
      username: 'nurse.zhao',
      displayName: 'Nurse Zhao',
      password: TEST_PASSWORD,
      role: 'nurse',
    });
    await f.value('users:resetPassword', { username: 'nurse.wang', password: RESET });
    const deps = { db: f.runtime.db, audit: f.runtime.audit, now: f.clock.now };
    const physician = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' as const };
    expect(await witnessSignOff(deps, physician, { username: 'nurse.wang', password: RESET })).toMatchObject({
      ok: false,
      error: { code: 'PASSWORD_CHANGE_REQUIRED' },
    });
    expect(await witnessSignOff(deps, physician, { username: 'nurse.zhao', password: TEST_PASSWORD })).toMatchObject({
      ok: true,
    });
  });
});
