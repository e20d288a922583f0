import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operations, permissionTable, roles, may, type Operation, type Role } from '../../core/permissions';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { setSetting } from '../../db/queries/users';
import {
  authorize,
  createFirstAdmin,
  createUser,
  needsSetup,
  resetPassword,
  setAccountDisabled,
  signIn,
  witnessSignOff,
  type AccountDeps,
} from '../../services/auth/accounts';
import { hashPassword, verifyPassword } from '../../services/auth/password';
import { WorkstationSession } from '../../services/auth/session';
import { manualClock, tempDir } from './helpers';
import { realPasswordCost } from '../support/password-cost';

// What is tested here depends on the real work factor (N = 2^17).
realPasswordCost();

let dir: string;
let cleanup: () => void;
let db: Db;
let deps: AccountDeps;
let clock: ReturnType<typeof manualClock>;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = openDatabase(join(dir, 'accounts.sqlite'));
  clock = manualClock();
  deps = { db, audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))), now: clock.now };
});
afterEach(() => {
  db.close();
  cleanup();
});

const admin = async () => {
  const r = await createFirstAdmin(deps, {
    username: 'pharm.zhao',
    displayName: 'Zhao (pharmacist)',
    password: 'correct horse battery',
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('the permission table', () => {
  // The specification, written out in full: every role × every operation.
  const expected: Record<Role, readonly Operation[]> = {
    physician: [
      'patient.view',
      'patient.edit',
      'pain.record',
      'screening.record',
      'prescription.create',
      'pump.interrogate',
      'pump.program',
      'pump.reservoir.update',
      'pump.clock.set',
      'pump.alarmTest',
      'session.resolve',
      'refill.record',
      'review.clear',
      'witness.sign',
      'audit.view',
      'audit.export',
    ],
    nurse: [
      'patient.view',
      'patient.edit',
      'pain.record',
      'pump.interrogate',
      'pump.reservoir.update',
      'pump.clock.set',
      'pump.alarmTest',
      'session.resolve',
      'refill.record',
      'witness.sign',
      'audit.view',
    ],
    admin: [
      'patient.view',
      'audit.view',
      'audit.export',
      'library.edit',
      'library.confirm',
      'users.manage',
      'settings.edit',
    ],
  };

  it.each(roles.flatMap((role) => operations.map((operation) => [role, operation] as const)))(
    '%s × %s',
    (role, operation) => {
      expect(may(role, operation)).toBe(expected[role].includes(operation));
    },
  );

  it('has an entry for every operation and names only known roles', () => {
    expect(Object.keys(permissionTable).sort()).toEqual([...operations].sort());
    for (const allowed of Object.values(permissionTable)) for (const r of allowed) expect(roles).toContain(r);
  });
});

describe('passwords', () => {
  it('are stored as salted scrypt hashes, never in clear', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });
});

describe('accounts', () => {
  it('start with a first-run administrator, without any default account', async () => {
    expect(needsSetup(db)).toBe(true);
    expect(await signIn(deps, { username: 'admin', password: 'admin' })).toMatchObject({
      ok: false,
      error: { code: 'SETUP_REQUIRED' },
    });
    await admin();
    expect(needsSetup(db)).toBe(false);
    expect(
      await createFirstAdmin(deps, { username: 'second', displayName: 'x', password: 'another long one' }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const stored = db.prepare('SELECT password_hash FROM users').pluck().get() as string;
    expect(stored).not.toContain('correct horse');
  });

  it('refuse a short password and a taken user name, naming the field', async () => {
    const a = await admin();
    expect(
      await createUser(deps, a, { username: 'dr.li', displayName: 'Dr Li', password: 'short', role: 'physician' }),
    ).toMatchObject({ ok: false, error: { field: 'password' } });
    expect(
      await createUser(deps, a, {
        username: 'PHARM.ZHAO',
        displayName: 'x',
        password: 'long enough pass',
        role: 'nurse',
      }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('lets only an administrator create users', async () => {
    const a = await admin();
    const nurse = await createUser(deps, a, {
      username: 'nurse.wang',
      displayName: 'Wang',
      password: 'nurse password 1',
      role: 'nurse',
    });
    if (!nurse.ok) throw new Error(nurse.error.message);
    expect(
      await createUser(deps, nurse.value, {
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
    await admin();
    setSetting(db, 'maxFailedSignIns', '3');
    for (let i = 0; i < 2; i++)
      expect(await signIn(deps, { username: 'pharm.zhao', password: 'wrong' })).toMatchObject({
        ok: false,
        error: { code: 'WRONG_CREDENTIALS' },
      });
    expect(await signIn(deps, { username: 'pharm.zhao', password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
    // Even the right password is refused while locked.
    expect(await signIn(deps, { username: 'pharm.zhao', password: 'correct horse battery' })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
    clock.advanceDays(1);
    expect(await signIn(deps, { username: 'pharm.zhao', password: 'correct horse battery' })).toMatchObject({
      ok: true,
    });
  });

  it('do not reveal whether a user name exists', async () => {
    await admin();
    const unknown = await signIn(deps, { username: 'nobody', password: 'whatever' });
    const wrong = await signIn(deps, { username: 'pharm.zhao', password: 'whatever' });
    expect(unknown).toEqual(wrong);
  });

  it('record every sign-in attempt in the audit trail, never the password', async () => {
    await admin();
    await signIn(deps, { username: 'pharm.zhao', password: 'bad password' });
    await signIn(deps, { username: 'pharm.zhao', password: 'correct horse battery' });
    const rows = db.prepare(`SELECT action, outcome, reason FROM audit_log WHERE action = 'user.signIn'`).all();
    expect(rows).toEqual([
      { action: 'user.signIn', outcome: 'rejected', reason: 'wrong password' },
      { action: 'user.signIn', outcome: 'confirmed', reason: null },
    ]);
    const all = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
    expect(all).not.toContain('bad password');
    expect(all).not.toContain('correct horse');
  });
});

describe('account administration', () => {
  it('disables and re-enables an account: a disabled user cannot sign in or witness, and the change is audited', async () => {
    const a = await admin();
    const nurse = await createUser(deps, a, {
      username: 'nurse.wang',
      displayName: 'Wang',
      password: 'nurse password 1',
      role: 'nurse',
    });
    if (!nurse.ok) throw new Error(nurse.error.message);
    expect(setAccountDisabled(deps, nurse.value, 'pharm.zhao', true)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(setAccountDisabled(deps, a, 'nurse.wang', true)).toEqual({ ok: true, value: null });
    expect(await signIn(deps, { username: 'nurse.wang', password: 'nurse password 1' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(await witnessSignOff(deps, a, { username: 'nurse.wang', password: 'nurse password 1' })).toMatchObject({
      ok: false,
    });
    expect(setAccountDisabled(deps, a, 'nurse.wang', false)).toEqual({ ok: true, value: null });
    expect(await signIn(deps, { username: 'nurse.wang', password: 'nurse password 1' })).toMatchObject({ ok: true });
    expect(
      db
        .prepare(`SELECT action FROM audit_log WHERE action IN ('user.disable', 'user.enable') ORDER BY seq`)
        .pluck()
        .all(),
    ).toEqual(['user.disable', 'user.enable']);
  });

  it('never disables the signed-in administrator or the last active one', async () => {
    const a = await admin();
    expect(setAccountDisabled(deps, a, 'pharm.zhao', true)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const other = await createUser(deps, a, {
      username: 'pharm.sun',
      displayName: 'Sun',
      password: 'pharm password 1',
      role: 'admin',
    });
    if (!other.ok) throw new Error(other.error.message);
    expect(setAccountDisabled(deps, other.value, 'pharm.zhao', true)).toEqual({ ok: true, value: null });
    expect(setAccountDisabled(deps, other.value, 'pharm.sun', true)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(setAccountDisabled(deps, a, 'nobody', true)).toMatchObject({ ok: false, error: { field: 'username' } });
  });

  it('resets a forgotten password, lifting a lock-out, without recording the password', async () => {
    const a = await admin();
    await createUser(deps, a, {
      username: 'dr.li',
      displayName: 'Li',
      password: 'doctor password 1',
      role: 'physician',
    });
    for (let i = 0; i < 5; i++) await signIn(deps, { username: 'dr.li', password: 'wrong password' });
    expect(await signIn(deps, { username: 'dr.li', password: 'doctor password 1' })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
    expect(await resetPassword(deps, a, 'dr.li', 'short')).toMatchObject({ ok: false, error: { field: 'password' } });
    expect(await resetPassword(deps, a, 'dr.li', 'a new password 2')).toEqual({ ok: true, value: null });
    expect(await signIn(deps, { username: 'dr.li', password: 'doctor password 1' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(await signIn(deps, { username: 'dr.li', password: 'a new password 2' })).toMatchObject({ ok: true });
    const records = db
      .prepare(`SELECT actor, new_json FROM audit_log WHERE action = 'user.resetPassword'`)
      .all() as Array<{ actor: string; new_json: string }>;
    expect(records).toEqual([{ actor: 'pharm.zhao', new_json: expect.not.stringContaining('password 2') as unknown }]);
  });
});

describe('witness sign-off', () => {
  it('needs a second person with their own credentials and a role that may witness', async () => {
    const a = await admin();
    const mk = async (username: string, role: Role) => {
      const r = await createUser(deps, a, { username, displayName: username, password: `${role} passphrase 7`, role });
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const doctor = await mk('dr.li', 'physician');
    await mk('nurse.wang', 'nurse');
    expect(await witnessSignOff(deps, doctor, { username: 'dr.li', password: 'physician passphrase 7' })).toMatchObject(
      { ok: false, error: { code: 'FORBIDDEN' } },
    );
    expect(await witnessSignOff(deps, doctor, { username: 'nurse.wang', password: 'wrong' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(
      await witnessSignOff(deps, doctor, { username: 'pharm.zhao', password: 'correct horse battery' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await witnessSignOff(deps, doctor, { username: 'nurse.wang', password: 'nurse passphrase 7' }),
    ).toMatchObject({ ok: true, value: { username: 'nurse.wang' } });
    expect(
      db
        .prepare(`SELECT count(*) FROM audit_log WHERE action = 'user.witness' AND outcome = 'confirmed'`)
        .pluck()
        .get(),
    ).toBe(2);
  });
});

describe('idle lock', () => {
  it('locks after the site’s idle minutes and stays usable while active', () => {
    const session = new WorkstationSession(() => 5, clock.now);
    const user = { id: 1, username: 'dr.li', displayName: 'Dr Li', role: 'physician' as const };
    session.start(user);
    clock.advanceDays(4 / 1440);
    expect(session.current()).toEqual(user);
    clock.advanceDays(4 / 1440);
    expect(session.current()).toEqual(user); // activity at minute 4 restarted the timer
    clock.advanceDays(5 / 1440);
    expect(session.current()).toBeUndefined();
    expect(session.lockedUser()).toEqual(user);
  });
});
