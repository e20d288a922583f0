import { describe, expect, it } from 'vitest';
import { setSetting } from '../../db/queries/users';
import { authorize, createFirstAdmin, createUser, needsSetup, signIn } from '../../services/auth/accounts';
import { accountsFixture } from './accounts-support';

const f = accountsFixture();

describe('accounts', () => {
  it('start with a first-run administrator, without any default account', async () => {
    expect(needsSetup(f.db)).toBe(true);
    expect(await signIn(f.deps, { username: 'admin', password: 'admin' })).toMatchObject({
      ok: false,
      error: { code: 'SETUP_REQUIRED' },
    });
    await f.admin();
    expect(needsSetup(f.db)).toBe(false);
    expect(
      await createFirstAdmin(f.deps, { username: 'second', displayName: 'x', password: 'another long one' }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const stored = f.db.prepare('SELECT password_hash FROM users').pluck().get() as string;
    expect(stored).not.toContain('correct horse');
  });

  it('refuse a short password and a taken user name, naming the field', async () => {
    const a = await f.admin();
    expect(
      await createUser(f.deps, a, { username: 'dr.li', displayName: 'Dr Li', password: 'short', role: 'physician' }),
    ).toMatchObject({ ok: false, error: { field: 'password' } });
    expect(
      await createUser(f.deps, a, {
        username: 'PHARM.ZHAO',
        displayName: 'x',
        password: 'long enough pass',
        role: 'nurse',
      }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('lets only an administrator create users', async () => {
    const a = await f.admin();
    const nurse = await createUser(f.deps, a, {
      username: 'nurse.wang',
      displayName: 'Wang',
      password: 'nurse password 1',
      role: 'nurse',
    });
    if (!nurse.ok) throw new Error(nurse.error.message);
    expect(
      await createUser(f.deps, nurse.value, {
        username: 'x.y',
        displayName: 'x',
        password: 'long enough pass',
        role: 'physician',
      }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(authorize(nurse.value, 'pump.program')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(authorize(nurse.value, 'refill.record').ok).toBe(true);
  });

  it('lock after repeated failures, and unlock when the lockout has passed', async () => {
    await f.admin();
    setSetting(f.db, 'maxFailedSignIns', '3');
    for (let i = 0; i < 2; i++)
      expect(await signIn(f.deps, { username: 'pharm.zhao', password: 'wrong' })).toMatchObject({
        ok: false,
        error: { code: 'WRONG_CREDENTIALS' },
      });
    expect(await signIn(f.deps, { username: 'pharm.zhao', password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
    // Even the right password is refused while locked.
    expect(await signIn(f.deps, { username: 'pharm.zhao', password: 'correct horse battery' })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
    f.clock.advanceDays(1);
    expect(await signIn(f.deps, { username: 'pharm.zhao', password: 'correct horse battery' })).toMatchObject({
      ok: true,
    });
  });

  it('do not reveal whether a user name exists', async () => {
    await f.admin();
    const unknown = await signIn(f.deps, { username: 'nobody', password: 'whatever' });
    const wrong = await signIn(f.deps, { username: 'pharm.zhao', password: 'whatever' });
    expect(unknown).toEqual(wrong);
  });

  it('record every sign-in attempt in the audit trail, never the password', async () => {
    await f.admin();
    await signIn(f.deps, { username: 'pharm.zhao', password: 'bad password' });
    await signIn(f.deps, { username: 'pharm.zhao', password: 'correct horse battery' });
    const rows = f.db.prepare(`SELECT action, outcome, reason FROM audit_log WHERE action = 'user.signIn'`).all();
    expect(rows).toEqual([
      { action: 'user.signIn', outcome: 'rejected', reason: 'wrong password' },
      { action: 'user.signIn', outcome: 'confirmed', reason: null },
    ]);
    const all = JSON.stringify(f.db.prepare('SELECT * FROM audit_log').all());
    expect(all).not.toContain('bad password');
    expect(all).not.toContain('correct horse');
  });
});
