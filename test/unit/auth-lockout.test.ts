import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { usersCommand } from '../../cli/commands/users';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { UNSAFE_TEXT } from '../../core/unsafe-text';
import { verifyAudit } from '../../db/audit/verify';
import { setSetting } from '../../db/queries/users';
import { createFirstAdmin, createUser, signIn, type AccountDeps } from '../../services/auth/accounts';
import { manualClock, tempDir } from './helpers';
import { realPasswordCost } from '../support/password-cost';

// What is tested here depends on the real work factor (N = 2^17).
realPasswordCost();

let dir: string;
let cleanup: () => void;
let path: string;
let db: Db;
let deps: AccountDeps;
let clock: ReturnType<typeof manualClock>;
const PASSWORD = 'correct horse battery';

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  path = join(dir, 'accounts.sqlite');
  db = openDatabase(path);
  clock = manualClock();
  deps = { db, audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))), now: clock.now };
});
afterEach(() => {
  db.close();
  cleanup();
});

const admin = async () => {
  const r = await createFirstAdmin(deps, { username: 'pharm.zhao', displayName: 'Zhao', password: PASSWORD });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const reasons = (action = 'user.signIn') =>
  db.prepare<[string], string>(`SELECT reason FROM audit_log WHERE action = ? ORDER BY seq`).pluck().all(action);

describe('lock-out under concurrent attempts', () => {
  it('100 wrong passwords sent at once: only the allowed five are checked, the account locks, the right password is then refused', async () => {
    await admin();
    const replies = await Promise.all(
      Array.from({ length: 100 }, () => signIn(deps, { username: 'pharm.zhao', password: 'wrong guess 123' })),
    );
    expect(replies.every((r) => !r.ok)).toBe(true);
    const checked = reasons().filter((r) => r.startsWith('wrong password'));
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(reasons()).toHaveLength(100); // every attempt is on record
    expect(replies.filter((r) => !r.ok && r.error.code === 'ACCOUNT_LOCKED').length).toBeGreaterThanOrEqual(95);
    expect(await signIn(deps, { username: 'pharm.zhao', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
  });

  it('wrong passwords sent at once through two connections (as from two processes) still lock after the allowed number', async () => {
    await admin();
    const other = openDatabase(path);
    const otherDeps: AccountDeps = {
      db: other,
      audit: new AuditLog(other, new FileKeyStore(join(dir, 'keys'))),
      now: clock.now,
    };
    try {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          signIn(i % 2 === 0 ? deps : otherDeps, { username: 'pharm.zhao', password: 'wrong guess 123' }),
        ),
      );
    } finally {
      other.close();
    }
    expect(reasons().filter((r) => r.startsWith('wrong password')).length).toBeLessThanOrEqual(5);
    expect(await signIn(deps, { username: 'pharm.zhao', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
  });

  it('five first-run setups sent at once make exactly one administrator', async () => {
    const replies = await Promise.all(
      ['admin.a', 'admin.b', 'admin.c', 'admin.d', 'admin.e'].map((username) =>
        createFirstAdmin(deps, { username, displayName: username, password: PASSWORD }),
      ),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.filter((r) => !r.ok && r.error.code === 'CONFLICT')).toHaveLength(4);
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'user.create'`).pluck().get()).toBe(1);
  });
});

describe('a locked-out reply', () => {
  it('is the same for a user name that does not exist', async () => {
    await admin();
    setSetting(db, 'maxFailedSignIns', '3');
    const attempt = (username: string) => signIn(deps, { username, password: 'wrong guess 123' });
    const known = [];
    const unknown = [];
    for (let i = 0; i < 4; i++) {
      known.push(await attempt('pharm.zhao'));
      unknown.push(await attempt('no.such.user'));
    }
    expect(unknown).toEqual(known);
    expect(known.at(-1)).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
  });

  it('takes no longer for a known name than for an unknown one (neither runs a password check)', async () => {
    await admin();
    setSetting(db, 'maxFailedSignIns', '3');
    for (let i = 0; i < 3; i++) {
      await signIn(deps, { username: 'pharm.zhao', password: 'wrong guess 123' });
      await signIn(deps, { username: 'no.such.user', password: 'wrong guess 123' });
    }
    const time = async (username: string) => {
      const t = performance.now();
      await signIn(deps, { username, password: 'wrong guess 123' });
      return performance.now() - t;
    };
    // A password check (scrypt) takes hundreds of ms; a locked reply runs none, for either name.
    const check = await time('someone.new');
    expect(await time('pharm.zhao')).toBeLessThan(check / 3);
    expect(await time('no.such.user')).toBeLessThan(check / 3);
  });
});

describe('recovering a locked administrator', () => {
  it('pumpctl users unlock at the workstation lifts the lock-out, and is audited', async () => {
    await admin();
    process.env['PUMP_AUDIT_KEY_DIR'] = join(dir, 'keys');
    for (let i = 0; i < 6; i++) await signIn(deps, { username: 'pharm.zhao', password: 'wrong guess 123' });
    expect(await signIn(deps, { username: 'pharm.zhao', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'ACCOUNT_LOCKED' },
    });
    let out = '';
    const code = await usersCommand(['unlock', '--db', path, '--user', 'pharm.zhao'], {
      out: (t) => (out += t),
      err: () => undefined,
    });
    expect(code).toBe(0);
    expect(out).toContain('lifted');
    expect(await signIn(deps, { username: 'pharm.zhao', password: PASSWORD })).toMatchObject({ ok: true });
    const record = db.prepare(`SELECT actor, old_json FROM audit_log WHERE action = 'user.unlock'`).get() as {
      actor: string;
      old_json: string;
    };
    expect(record.actor).toMatch(/^cli:/);
    expect(JSON.parse(record.old_json)).toMatchObject({
      username: 'pharm.zhao',
      lockedUntil: expect.any(String) as unknown,
    });
    expect(verifyAudit(db, new FileKeyStore(join(dir, 'keys'))).status).toBe('intact');
  });
});

describe('names', () => {
  it('refuse a NUL byte and bidirectional overrides in display names, and never record them raw', async () => {
    const a = await admin();
    for (const displayName of ['Dr \u202Eil', 'Dr\u0000Li', 'Dr \u2066Li']) {
      expect(
        await createUser(deps, a, {
          username: 'dr.li',
          displayName,
          password: 'doctor passphrase 1',
          role: 'physician',
        }),
      ).toMatchObject({ ok: false, error: { field: 'displayName' } });
    }
    expect(
      await createUser(deps, a, {
        username: 'dr\u202Eli',
        displayName: 'Li',
        password: 'doctor passphrase 1',
        role: 'physician',
      }),
    ).toMatchObject({ ok: false, error: { field: 'username' } });
    expect(await signIn(deps, { username: 'pharm\u202E.zhao', password: PASSWORD })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    const plain = new Database(path, { readonly: true });
    const all = JSON.stringify(plain.prepare('SELECT * FROM audit_log').all());
    plain.close();
    expect(UNSAFE_TEXT.test(all)).toBe(false);
    expect(all).not.toContain('\\u0000');
    expect(reasons()).toEqual(['unknown or disabled user']);
  });

  it('the audit trail itself refuses them in who, patient and pump', () => {
    expect(() =>
      deps.audit.append({
        atUtc: '2026-03-01T08:00:00Z',
        actor: 'dr.li',
        pumpSerial: 'SIM\u202E321',
        action: 'pump.interrogate',
        outcome: 'confirmed',
      }),
    ).toThrow(/bidirectional/);
    expect(() =>
      deps.audit.append({
        atUtc: '2026-03-01T08:00:00Z',
        actor: 'dr\u0000li',
        action: 'pump.interrogate',
        outcome: 'confirmed',
      }),
    ).toThrow(/NUL/);
  });
});
