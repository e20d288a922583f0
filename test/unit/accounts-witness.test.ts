import { describe, expect, it } from 'vitest';
import type { Role } from '../../core/permissions';
import { createUser, witnessSignOff } from '../../services/auth/accounts';
import { accountsFixture } from './accounts-support';

const f = accountsFixture();

describe('witness sign-off', () => {
  it('needs a second person with their own credentials and a role that may witness', async () => {
    const a = await f.admin();
    const mk = async (username: string, role: Role) => {
      const r = await createUser(f.deps, a, {
        username,
        displayName: username,
        password: `${role} passphrase 7`,
        role,
      });
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const doctor = await mk('dr.li', 'physician');
    await mk('nurse.wang', 'nurse');
    expect(
      await witnessSignOff(f.deps, doctor, { username: 'dr.li', password: 'physician passphrase 7' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await witnessSignOff(f.deps, doctor, { username: 'nurse.wang', password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(
      await witnessSignOff(f.deps, doctor, { username: 'pharm.zhao', password: 'correct horse battery' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await witnessSignOff(f.deps, doctor, { username: 'nurse.wang', password: 'nurse passphrase 7' }),
    ).toMatchObject({ ok: true, value: { username: 'nurse.wang' } });
    expect(
      f.db
        .prepare(`SELECT count(*) FROM audit_log WHERE action = 'user.witness' AND outcome = 'confirmed'`)
        .pluck()
        .get(),
    ).toBe(2);
  });
});
