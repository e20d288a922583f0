import PlainDatabase from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../db/backup';
import { applyKey, Database, isPlainDatabaseFile, openDatabase } from '../../db/connection';
import { DatabaseKeyFile, FileKeyStore, type KeyProtection } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { openStore, openStoreReadOnly } from '../../db/store';
import { openRuntime } from '../../services/runtime';
import { manualClock, signInThrough, tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const SECRET = 'Zhang Wei';
const mode = (path: string) => statSync(path).mode & 0o777;
/** Every byte of every file in the folder (database, WAL, copies): the secret must be in none. */
const anyFileContains = (folder: string, text: string) =>
  readdirSync(folder).some((f) => statSync(join(folder, f)).isFile() && readFileSync(join(folder, f)).includes(text));

describe('the store encrypted at rest', () => {
  it('a new store: database and WAL encrypted (SQLCipher 4, raw key), files 0600, key folder 0700', async () => {
    const path = join(dir, 'data', 'programmer.sqlite');
    const keys = new FileKeyStore(join(dir, 'keys'));
    const runtime = await openRuntime({
      host: 'web',
      databasePath: path,
      simulator: true,
      keys,
      now: manualClock().now,
    });
    await signInThrough(runtime.dispatch, 'dr.li');
    expect(
      (await runtime.dispatch('patients:create', { identifier: 'P-1', name: SECRET, indication: 'non-cancer' })).ok,
    ).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(anyFileContains(join(dir, 'data'), SECRET)).toBe(false);
    expect(
      anyFileContains(join(dir, 'data'), 'pump.interrogate') || anyFileContains(join(dir, 'data'), 'auth.signIn'),
    ).toBe(false);
    expect(isPlainDatabaseFile(path)).toBe(false);
    expect(mode(path)).toBe(0o600);
    expect(mode(`${path}-wal`)).toBe(0o600);
    expect(mode(join(dir, 'data'))).toBe(0o700);
    expect(mode(join(dir, 'keys'))).toBe(0o700);
    expect(mode(join(dir, 'keys', 'database.key'))).toBe(0o600);
    // Plain SQLite cannot read it; SQLCipher 4 settings with the raw key can.
    expect(() => new PlainDatabase(path, { readonly: true }).prepare('SELECT count(*) FROM patients').get()).toThrow(
      /not a database/,
    );
    const key = readFileSync(join(dir, 'keys', 'database.key'), 'utf8').trim();
    const other = new Database(path, { readonly: true });
    other.pragma(`cipher = 'sqlcipher'`);
    other.pragma('legacy = 4');
    other.pragma(`key = "x'${key}'"`);
    expect(other.prepare('SELECT name FROM patients').pluck().get()).toBe(SECRET);
    other.close();
    await runtime.close();
  });

  it('a plain database is encrypted once: verified copy, the plain file gone, the trail intact', () => {
    const path = join(dir, 'programmer.sqlite');
    const keys = new FileKeyStore(join(dir, 'keys'));
    const plain = openDatabase(path);
    const audit = new AuditLog(plain, keys);
    for (let i = 0; i < 70; i++)
      audit.append({
        atUtc: new Date(Date.UTC(2026, 2, 1, 8, 0, i)).toISOString(),
        actor: 'nurse.wang',
        patientId: SECRET,
        action: 'pump.interrogate',
        outcome: 'confirmed',
      });
    audit.checkpoint();
    plain.close();
    expect(isPlainDatabaseFile(path)).toBe(true);
    const reader = openStoreReadOnly(path, undefined);
    const before = verifyAudit(reader, keys);
    reader.close(); // a connection left open would (rightly) stop the encryption
    expect(before).toMatchObject({ status: 'intact', records: 70 });

    const keyFile = new DatabaseKeyFile(join(dir, 'keys'));
    const db = openStore(path, { keyFile, auditKeys: keys });
    expect(verifyAudit(db, keys)).toMatchObject({ status: 'intact', records: 70, lastCheckpointSeq: 70 });
    new AuditLog(db, keys).append({
      atUtc: '2026-03-02T08:00:00Z',
      actor: 'nurse.wang',
      patientId: SECRET,
      action: 'pump.interrogate',
      outcome: 'confirmed',
    });
    db.close();
    expect(isPlainDatabaseFile(path)).toBe(false);
    expect(anyFileContains(dir, SECRET)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.encrypting-'))).toEqual([]);
    expect(mode(path)).toBe(0o600);
    // Opened again: no second migration, the same key.
    const again = openStore(path, { keyFile, auditKeys: keys });
    expect(verifyAudit(again, keys)).toMatchObject({ status: 'intact', records: 71 });
    again.close();
  });

  it('refuses to open without its key, or with another key, and says which', () => {
    const path = join(dir, 'programmer.sqlite');
    openStore(path, { keyFile: new DatabaseKeyFile(join(dir, 'keys')) }).close();
    expect(() => openStore(path, { keyFile: new DatabaseKeyFile(join(dir, 'nokeys')) })).toThrow(
      expect.objectContaining({
        reason: 'NO_KEY',
        message: expect.stringContaining('is encrypted and its key') as unknown,
      }) as Error,
    );
    const otherKeys = new DatabaseKeyFile(join(dir, 'other'));
    otherKeys.create();
    expect(() => openStore(path, { keyFile: otherKeys })).toThrow(/encrypted with another key/);
    expect(() => openDatabase(path)).toThrow(/opened without its key/);
    // A key file other users can read is refused.
    chmodSync(join(dir, 'keys', 'database.key'), 0o644);
    expect(() => openStore(path, { keyFile: new DatabaseKeyFile(join(dir, 'keys')) })).toThrow(
      /can be read by other users/,
    );
  });

  it('backups are encrypted with the same key, 0600 in a 0700 folder they create, and verify', async () => {
    const path = join(dir, 'programmer.sqlite');
    const keys = new FileKeyStore(join(dir, 'keys'));
    const keyFile = new DatabaseKeyFile(join(dir, 'keys'));
    const db = openStore(path, { keyFile, auditKeys: keys });
    const audit = new AuditLog(db, keys);
    audit.append({
      atUtc: '2026-03-01T08:00:00Z',
      actor: 'nurse.wang',
      patientId: SECRET,
      action: 'pump.interrogate',
      outcome: 'confirmed',
    });
    audit.checkpoint();
    const out = join(dir, 'backups', 'b1.sqlite');
    const report = await backupDatabase(db, out, keys);
    db.close();
    expect(report).toMatchObject({ integrity: 'ok', audit: { status: 'intact', records: 1 } });
    expect(isPlainDatabaseFile(out)).toBe(false);
    expect(readFileSync(out).includes(SECRET)).toBe(false);
    expect(mode(out)).toBe(0o600);
    expect(mode(join(dir, 'backups'))).toBe(0o700);
    const copy = openStoreReadOnly(out, keyFile);
    expect(copy.prepare('SELECT patient_id FROM audit_log').pluck().get()).toBe(SECRET);
    copy.close();
  });

  it('pumpctl opens the store with the key file, and says so clearly where the key is the desktop app’s', () => {
    const path = join(dir, 'programmer.sqlite');
    const env = { ...process.env, PUMP_AUDIT_KEY_DIR: join(dir, 'keys') };
    expect(
      spawnSync(process.execPath, ['bin/pumpctl.cjs', 'interrogate', '--sim', '--db', path], { encoding: 'utf8', env })
        .status,
    ).toBe(0);
    expect(isPlainDatabaseFile(path)).toBe(false);
    const verified = spawnSync(process.execPath, ['bin/pumpctl.cjs', 'audit', 'verify', '--db', path, '--json'], {
      encoding: 'utf8',
      env,
    });
    expect(JSON.parse(verified.stdout)).toMatchObject({ records: 1 });

    // A key wrapped by the operating system's key store, as the desktop app keeps it.
    const wrap: KeyProtection = {
      encrypt: (b) => Buffer.from(b.map((x) => x ^ 0x5a)),
      decrypt: (b) => Buffer.from(b.map((x) => x ^ 0x5a)),
    };
    const desktop = join(dir, 'desktop-keys');
    const key = new DatabaseKeyFile(desktop, wrap).create();
    expect(readFileSync(join(desktop, 'database.key')).includes(key.toString('hex'))).toBe(false);
    const store = join(dir, 'desktop.sqlite');
    openStore(store, { keyFile: new DatabaseKeyFile(desktop, wrap) }).close();
    const run = spawnSync(process.execPath, ['bin/pumpctl.cjs', 'audit', 'export', '--db', store, '--format', 'csv'], {
      encoding: 'utf8',
      env: { ...process.env, PUMP_AUDIT_KEY_DIR: desktop },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("protected by the desktop app's operating-system key store");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a copy of the raw key opens it with SQLCipher settings only (applyKey)', () => {
    const path = join(dir, 'programmer.sqlite');
    const keyFile = new DatabaseKeyFile(join(dir, 'keys'));
    openStore(path, { keyFile }).close();
    const c = new Database(path, { readonly: true });
    applyKey(c, keyFile.read() ?? Buffer.alloc(32));
    expect(Number(c.pragma('user_version', { simple: true }))).toBeGreaterThan(0);
    c.close();
  });
});
