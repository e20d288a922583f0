import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditCommand } from '../../cli/commands/audit';
import { openDatabase } from '../../db/connection';
import { exportCsv } from '../../db/audit/export';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let path: string;
let keyDir: string;
let keys: FileKeyStore;
let originalId: string;

/** A trail of 100 records (a checkpoint at 64 and one at close), written through the app. */
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  path = join(dir, 'audit.sqlite');
  keyDir = join(dir, 'keys');
  keys = new FileKeyStore(keyDir);
  const db = openDatabase(path);
  const audit = new AuditLog(db, keys);
  for (let i = 1; i <= 100; i++)
    audit.append({
      atUtc: new Date(Date.UTC(2026, 2, 1, 8, 0, i)).toISOString(),
      actor: 'dr.li',
      role: 'physician',
      pumpSerial: 'SIM000123',
      action: 'pump.program',
      new: { dose: `${i}` },
      outcome: 'confirmed',
    });
  audit.checkpoint();
  originalId = audit.databaseId;
  db.close();
});
afterEach(() => cleanup());

/** Plain SQLite, triggers dropped, the published rules re-implemented here. */
function tamper(file: string, sql: (db: Database.Database) => void): void {
  const db = new Database(file);
  db.exec(
    'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS audit_checkpoints_no_update; DROP TRIGGER IF EXISTS audit_checkpoints_no_delete;',
  );
  sql(db);
  db.close();
}

function rechain(db: Database.Database): void {
  const id = db.prepare(`SELECT value FROM meta WHERE key = 'database_id'`).pluck().get() as string;
  let prev = `sha256:${createHash('sha256').update(`genesis:${id}`).digest('hex')}`;
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').raw(true).all() as unknown[][];
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?');
  for (const row of rows) {
    const hash = `sha256:${createHash('sha256')
      .update(JSON.stringify([...row.slice(0, 15), prev]))
      .digest('hex')}`;
    update.run(prev, hash, row[0]);
    prev = hash;
  }
}

/** The attack: a new database id, one record changed, the whole chain re-computed, every checkpoint deleted. */
const forgeNewId = (file: string) =>
  tamper(file, (db) => {
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'database_id'`).run(randomBytes(16).toString('hex'));
    db.prepare(`UPDATE audit_log SET new_json = '{"dose":"500"}' WHERE seq = 50`).run();
    rechain(db);
    db.exec('DELETE FROM audit_checkpoints');
  });

const verify = (file = path, store: FileKeyStore = keys) => {
  const db = new Database(file, { readonly: true });
  try {
    return verifyAudit(db, store);
  } finally {
    db.close();
  }
};

const cli = async (args: string[]) => {
  let out = '';
  let err = '';
  const code = await auditCommand(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
};

describe('a forged database id', () => {
  it('fails verification with the key folder: the head signed for this file names the real id', async () => {
    forgeNewId(path);
    expect(verify()).toMatchObject({ ok: false, status: 'failed', firstFailure: { problem: 'META_CHANGED' } });
    const run = await cli(['verify', '--db', path, '--key-dir', keyDir]);
    expect(run.code).toBe(4);
    expect(run.err).toContain(originalId);
  });

  it('is "unverifiable without the key" (exit 5), never "intact", where the key folder is not', async () => {
    forgeNewId(path);
    const elsewhere = new FileKeyStore(join(dir, 'auditor'));
    expect(verify(path, elsewhere)).toMatchObject({ status: 'unverifiable', checkpoints: { keyAvailable: false } });
    const run = await cli(['verify', '--db', path, '--key-dir', join(dir, 'auditor')]);
    expect(run.code).toBe(5);
    expect(run.err).toContain('unverifiable without the key');
    expect(run.out).not.toContain('intact');
  });

  it('is never signed by later use: no key is made for the unknown id and no checkpoint is written', () => {
    forgeNewId(path);
    const db = openDatabase(path);
    const audit = new AuditLog(db, keys);
    for (let i = 0; i < 70; i++)
      audit.append({ atUtc: '2026-03-02T08:00:00Z', actor: 'dr.li', action: 'pump.interrogate', outcome: 'confirmed' });
    expect(audit.checkpoint()).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get()).toBe(0);
    db.close();
    expect(readdirSync(keyDir).filter((f) => f.endsWith('.key'))).toEqual([`${originalId}.key`]);
    expect(verify().status).toBe('failed');
  });

  it('a copy with a forged id, verified where no head was kept for it, is unverifiable (exit 5)', async () => {
    const copy = join(dir, 'copy.sqlite');
    copyFileSync(path, copy);
    forgeNewId(copy);
    expect(verify(copy)).toMatchObject({ status: 'unverifiable' });
    expect((await cli(['verify', '--db', copy, '--key-dir', keyDir])).code).toBe(5);
  });
});

describe('the meta table', () => {
  it('is signed: a meta row added or changed with plain SQLite fails verification', () => {
    tamper(path, (db) => db.prepare(`INSERT INTO meta (key, value) VALUES ('site', 'elsewhere')`).run());
    expect(verify().firstFailure).toMatchObject({ problem: 'META_CHANGED' });
  });

  it('and an untouched trail verifies intact, exit 0', async () => {
    expect(verify()).toMatchObject({ ok: true, status: 'intact', records: 100, lastCheckpointSeq: 100 });
    expect((await cli(['verify', '--db', path, '--key-dir', keyDir])).code).toBe(0);
  });
});

describe('a trail never signed', () => {
  it('is unverifiable even with the key: a re-computed chain without any checkpoint cannot be told apart', () => {
    const fresh = join(dir, 'fresh.sqlite');
    const db = openDatabase(fresh);
    const audit = new AuditLog(db, keys);
    for (let i = 0; i < 3; i++)
      audit.append({ atUtc: '2026-03-02T08:00:00Z', actor: 'dr.li', action: 'pump.interrogate', outcome: 'confirmed' });
    db.close();
    expect(verify(fresh)).toMatchObject({
      ok: true,
      status: 'unverifiable',
      checkpoints: { keyAvailable: true, verified: 0 },
    });
  });
});

describe('keys and heads', () => {
  it('a copy of the database used elsewhere does not move the original’s signed head', () => {
    const copy = join(dir, 'copy.sqlite');
    copyFileSync(path, copy);
    const db = openDatabase(copy);
    const audit = new AuditLog(db, keys);
    audit.append({ atUtc: '2026-03-02T08:00:00Z', actor: 'dr.li', action: 'pump.interrogate', outcome: 'confirmed' });
    expect(audit.checkpoint()).toMatchObject({ seq: 101 });
    db.close();
    expect(verify()).toMatchObject({ status: 'intact', records: 100 });
    expect(verify(copy)).toMatchObject({ status: 'intact', records: 101 });
  });

  it('another key folder holding a different key for this id never writes a checkpoint into the live trail', async () => {
    const other = new FileKeyStore(join(dir, 'other'));
    other.createKey(originalId);
    const db = openDatabase(path);
    const audit = new AuditLog(db, other);
    audit.append({ atUtc: '2026-03-02T08:00:00Z', actor: 'cli:someone', action: 'audit.export', outcome: 'confirmed' });
    expect(audit.checkpoint()).toBeUndefined();
    expect(audit.signingProblem).toMatch(/not signed with this key/);
    db.close();
    expect(verify()).toMatchObject({ status: 'intact' });
    // The CLI does not even accept another key folder for an export.
    await expect(cli(['export', '--db', path, '--format', 'json', '--key-dir', join(dir, 'other')])).rejects.toThrow(
      /verify only/,
    );
  });

  it('a sign-out signs the chain head at once', () => {
    const db = openDatabase(path);
    const audit = new AuditLog(db, keys, { checkpointEvery: 1000 });
    audit.append({ atUtc: '2026-03-02T08:00:00Z', actor: 'dr.li', action: 'pump.interrogate', outcome: 'confirmed' });
    const { seq } = audit.append({
      atUtc: '2026-03-02T08:01:00Z',
      actor: 'dr.li',
      action: 'user.signOut',
      outcome: 'confirmed',
    });
    expect(db.prepare('SELECT max(seq) FROM audit_checkpoints').pluck().get()).toBe(seq);
    db.close();
    expect(verify()).toMatchObject({ status: 'intact', lastCheckpointSeq: seq, unprotectedTail: 0 });
  });

  it('an empty or damaged head file fails verification with a clear message', async () => {
    const head = readdirSync(keyDir).find((f) => f.endsWith('.head'));
    if (head === undefined) throw new Error('no head file');
    writeFileSync(join(keyDir, head), '');
    expect(verify().firstFailure).toMatchObject({
      problem: 'UNREADABLE',
      message: expect.stringContaining('is empty') as unknown,
    });
    const run = await cli(['verify', '--db', path, '--key-dir', keyDir]);
    expect(run.code).toBe(4);
    expect(run.err).not.toContain('JSON');
    writeFileSync(join(keyDir, head), '{"seq": 3');
    expect(verify().firstFailure).toMatchObject({
      problem: 'UNREADABLE',
      message: expect.stringContaining('damaged') as unknown,
    });
  });

  it('key and head files are owner-only and no temporary file is left behind', () => {
    const files = readdirSync(keyDir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.head') || f.endsWith('.key'))).toHaveLength(2);
    for (const f of files) expect(statSync(join(keyDir, f)).mode & 0o077).toBe(0);
  });
});

describe('verification on read-only media', () => {
  it('verifies a WAL database whose side files cannot be created beside it', async () => {
    // What a write-protected medium does to SQLite: the -wal and -shm files cannot be created.
    // Directories in their place give the same refusal (SQLITE_CANTOPEN) on any machine.
    mkdirSync(`${path}-wal`);
    mkdirSync(`${path}-shm`);
    expect(() => new Database(path, { readonly: true, fileMustExist: true }).pragma('quick_check')).toThrow(
      /unable to open/,
    );
    const run = await cli(['verify', '--db', path, '--key-dir', keyDir, '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ status: 'intact', records: 100 });
    expect(existsSync(`${path}-journal`)).toBe(false);
  });
});

describe('CSV export', () => {
  it('never lets a cell start a spreadsheet formula', () => {
    const db = openDatabase(path);
    const audit = new AuditLog(db, keys);
    for (const reason of ['=2+5', '+1', '-1', '@SUM(A1)', '\tx', '\rx', "'quoted"])
      audit.append({ atUtc: '2026-03-02T08:00:00Z', actor: 'dr.li', action: 'note', reason, outcome: 'confirmed' });
    const lines = [...exportCsv(db)].slice(101);
    db.close();
    const reasons = lines.map((l) => l.split(',')[11]);
    expect(reasons).toEqual(["'=2+5", "'+1", "'-1", "'@SUM(A1)", "'\tx", '"\'\rx"', "''quoted"]);
  });
});
