import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, DatabaseOpenError } from '../../db/connection';
import { latestVersion, migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations/index';
import { AuditLog } from '../../db/audit/log';
import { FileKeyStore } from '../../db/audit/keys';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof DatabaseOpenError ? e.reason : `other: ${(e as Error).message}`;
  }
  return undefined;
};

describe('opening the store', () => {
  it('creates the file with durable pragmas and the latest schema', () => {
    const path = join(dir, 'nested', 'programmer.sqlite');
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
    db.close();
    // A second opening migrates nothing and keeps the data.
    const again = openDatabase(path);
    expect(again.pragma('user_version', { simple: true })).toBe(latestVersion());
    again.close();
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const path = join(dir, 'newer.sqlite');
    const plain = new Database(path);
    plain.exec('CREATE TABLE future (x INTEGER)');
    plain.pragma('user_version = 99');
    plain.close();
    const before = readFileSync(path);
    expect(reasonOf(() => openDatabase(path))).toBe('NEWER_VERSION');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a file that is not a database, and says so', () => {
    const path = join(dir, 'garbage.sqlite');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    expect(reasonOf(() => openDatabase(path))).toBe('CORRUPT');
  });

  it('refuses a folder it cannot create', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    expect(reasonOf(() => openDatabase(join(blocker, 'db.sqlite')))).toBe('CANNOT_OPEN');
  });
});

describe('migration 0001-initial', () => {
  it('creates STRICT tables, their indexes and append-only triggers', () => {
    const db = new Database(join(dir, 'm1.sqlite'));
    migrate(db, migrations.slice(0, 1));
    const tables = db
      .prepare(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'`)
      .all();
    expect(tables).toEqual(
      expect.arrayContaining([
        { name: 'meta', strict: 1 },
        { name: 'audit_log', strict: 1 },
        { name: 'audit_checkpoints', strict: 1 },
        { name: 'interrogations', strict: 1 },
      ]),
    );
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).pluck().all();
    expect(indexes).toEqual(
      expect.arrayContaining(['audit_log_patient', 'audit_log_pump', 'audit_log_actor', 'interrogations_pump']),
    );
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'database_id'`).pluck().get()).toMatch(/^[0-9a-f]{32}$/);
    db.close();
  });

  it('rolls back a failing migration as a whole', () => {
    const db = new Database(join(dir, 'rollback.sqlite'));
    const broken = {
      version: 2,
      name: 'broken',
      up: (d: Database.Database) => d.exec('CREATE TABLE half (x INTEGER); SELECT nope FROM missing;'),
    };
    expect(() => migrate(db, [...migrations.slice(0, 1), broken])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half'`).pluck().get()).toBe(0);
    db.close();
  });

  it('makes the audit log append-only in the database itself', () => {
    const db = openDatabase(join(dir, 'audit.sqlite'));
    const audit = new AuditLog(db, new FileKeyStore(join(dir, 'keys')));
    const { seq } = audit.append({
      atUtc: '2026-03-01T08:00:00.000Z',
      actor: 'test',
      action: 'pump.interrogate',
      pumpSerial: 'S1',
      outcome: 'confirmed',
    });
    expect(() => db.prepare(`UPDATE audit_log SET actor = 'x' WHERE seq = ?`).run(seq)).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM audit_log WHERE seq = ?`).run(seq)).toThrow(/append-only/);
    audit.checkpoint();
    expect(() => db.prepare(`DELETE FROM audit_checkpoints`).run()).toThrow(/append-only/);
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(1);
    db.close();
  });
});
