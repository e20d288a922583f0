import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyKey, openDatabase, type Db } from '../../db/connection';
import type { SignedHead } from '../../db/audit/key-store';
import { FileKeyStore } from '../../db/audit/keys';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { AuditLog, databaseLocation } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import type { AuditEntry } from '../../db/audit/record';
import { tempDir } from './helpers';

/**
 * The append path: the last record is remembered (the next append does not read the head first,
 * its INSERT checks it is still the last), and the head file of a checkpoint due by count is
 * written off the append path when the host takes signing failures.
 */
let dir: string;
let cleanup: () => void;
let key: Buffer;
const opened: Db[] = [];
const open = (): Db => {
  const db = openDatabase(join(dir, 'trail.sqlite'), { key });
  opened.push(db);
  return db;
};
const entry = (actor: string): AuditEntry => ({
  atUtc: new Date().toISOString(),
  actor,
  action: 'pump.interrogate',
  outcome: 'confirmed',
});

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  key = randomBytes(32);
});
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  cleanup();
});

describe('the remembered last record', () => {
  it('is checked by each append: two connections appending in turn keep one chain', () => {
    const keys = new FileKeyStore(join(dir, 'keys'));
    const a = new AuditLog(open(), keys, { checkpointEvery: 16 });
    const b = new AuditLog(open(), keys, { checkpointEvery: 16 });
    const seqs: number[] = [];
    for (let i = 0; i < 40; i++) seqs.push((i % 3 === 0 ? b : a).append(entry(i % 3 === 0 ? 'b' : 'a')).seq);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    a.checkpoint();
    const report = verifyAudit(opened[0] as Db, keys);
    expect(report).toMatchObject({ status: 'intact', records: 40, unprotectedTail: 0 });
  });

  it('is not trusted after the tail was changed with plain SQLite: the next record follows the record now last', () => {
    const keys = new FileKeyStore(join(dir, 'keys'));
    const db = open();
    const audit = new AuditLog(db, keys);
    for (let i = 0; i < 5; i++) audit.append(entry('a'));
    // Another program (no triggers) replaces the last record's hash: the remembered hash no longer matches.
    const other = new Database(join(dir, 'trail.sqlite'));
    applyKey(other, key);
    other.exec('DROP TRIGGER audit_log_no_update');
    other.prepare(`UPDATE audit_log SET hash = 'sha256:' || hex(randomblob(32)) WHERE seq = 5`).run();
    other.close();
    const next = audit.append(entry('a'));
    expect(next.seq).toBe(6);
    const stored = db.prepare<[], { prev_hash: string }>('SELECT prev_hash FROM audit_log WHERE seq = 6').get();
    const fifth = db.prepare<[], string>('SELECT hash FROM audit_log WHERE seq = 5').pluck().get();
    expect(stored?.prev_hash).toBe(fifth);
    // The changed record itself is still reported.
    expect(verifyAudit(db, keys).firstFailure).toMatchObject({ seq: 5, problem: 'HASH_MISMATCH' });
  });
});

describe('the head file of a checkpoint due by count', () => {
  const headFiles = () => readdirSync(join(dir, 'keys')).filter((f) => f.endsWith('.head'));

  it('is written after the append returns, when the host takes signing failures, and is in place once settled', async () => {
    const keys = new FileKeyStore(join(dir, 'keys'));
    const db = open();
    const failures: unknown[] = [];
    const audit = new AuditLog(db, keys, { checkpointEvery: 8, onSigningFailure: (e) => failures.push(e) });
    for (let i = 0; i < 8; i++) audit.append(entry('a'));
    // Committed with its checkpoint; the head file is being written.
    expect(db.prepare('SELECT max(seq) FROM audit_checkpoints').pluck().get()).toBe(8);
    await audit.settled();
    expect(keys.readHead(databaseLocation(db) ?? '')).toMatchObject({ seq: 8 });
    // Several checkpoints signed while a write is in progress: the latest is written.
    for (let i = 0; i < 24; i++) audit.append(entry('a'));
    await audit.settled();
    expect(keys.readHead(databaseLocation(db) ?? '')).toMatchObject({ seq: 32 });
    expect(failures).toEqual([]);
    expect(headFiles()).toHaveLength(1);
    expect(readdirSync(join(dir, 'keys')).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
    expect(verifyAudit(db, keys)).toMatchObject({ status: 'intact', records: 32, lastCheckpointSeq: 32 });
  });

  it('that fails is reported to the host, and the head it could not write is still what a retry checks', async () => {
    class FailingStore extends FileKeyStore {
      fail = true;
      override writeHeadAsync(location: string, head: SignedHead): Promise<void> {
        return this.fail
          ? Promise.reject(new Error('ENOSPC: no space left on device'))
          : super.writeHeadAsync(location, head);
      }
    }
    const keys = new FailingStore(join(dir, 'keys'));
    const db = open();
    const failures: unknown[] = [];
    const audit = new AuditLog(db, keys, { checkpointEvery: 4, onSigningFailure: (e) => failures.push(e) });
    for (let i = 0; i < 4; i++) audit.append(entry('a'));
    await audit.settled();
    expect(failures.map((e) => (e as Error).message)).toEqual(['ENOSPC: no space left on device']);
    expect(keys.readHead(databaseLocation(db) ?? '')).toBeUndefined();
    expect(audit.signatureOwed()).toMatch(/not written outside the database/);
    // The checkpoint signed but not written is gone (plain SQLite): the retry refuses to sign.
    const other = new Database(join(dir, 'trail.sqlite'));
    applyKey(other, key);
    other.exec('DROP TRIGGER audit_checkpoints_no_delete');
    other.prepare('DELETE FROM audit_checkpoints').run();
    other.close();
    keys.fail = false;
    expect(audit.checkpoint()).toBeUndefined();
    expect(audit.signingProblem).toMatch(/changed since it was signed/);
  });

  it('is written before the append returns without a host that takes failures (pumpctl)', () => {
    const keys = new FileKeyStore(join(dir, 'keys'));
    const db = open();
    const audit = new AuditLog(db, keys, { checkpointEvery: 4 });
    for (let i = 0; i < 4; i++) audit.append(entry('a'));
    expect(keys.readHead(databaseLocation(db) ?? '')).toMatchObject({ seq: 4 });
  });

  it('of a sign-out is written before the append returns', () => {
    const keys = new FileKeyStore(join(dir, 'keys'));
    const db = open();
    const audit = new AuditLog(db, keys, { onSigningFailure: () => undefined });
    audit.append(entry('a'));
    audit.append({ ...entry('a'), action: 'user.signOut' });
    expect(keys.readHead(databaseLocation(db) ?? '')).toMatchObject({ seq: 2 });
  });
});

describe('the pages each append writes', () => {
  it('include no index that no query reads: a database of the release before loses the actor index when opened', () => {
    const path = join(dir, 'release5.sqlite');
    const before = new Database(path);
    migrate(before, migrations.slice(0, 5));
    const names = (d: Db) =>
      d
        .prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log'`)
        .pluck()
        .all();
    expect(names(before)).toContain('audit_log_actor');
    before.close();
    const db = openDatabase(path);
    opened.push(db);
    expect(names(db).sort()).toEqual(['audit_log_action', 'audit_log_patient', 'audit_log_pump', 'audit_log_time']);
    // The viewer's filters that are read on an index still are.
    const plan = (where: string) =>
      JSON.stringify(db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM audit_log a WHERE ${where}`).all());
    expect(plan(`a.patient_id = 'P1'`)).toContain('audit_log_patient');
    expect(plan(`a.pump_serial = 'S1'`)).toContain('audit_log_pump');
    expect(plan(`a.at_utc >= '2026-01-01' AND a.at_utc < '2026-01-02'`)).toContain('audit_log_time');
  });
});
