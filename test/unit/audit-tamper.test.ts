import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let path: string;
let keys: FileKeyStore;

/** A trail of 150 records (checkpoints at 64 and 128, and at close), written through the app. */
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  path = join(dir, 'audit.sqlite');
  keys = new FileKeyStore(join(dir, 'keys'));
  const db = openDatabase(path);
  const audit = new AuditLog(db, keys);
  for (let i = 1; i <= 150; i++) {
    audit.append({
      atUtc: new Date(Date.UTC(2026, 2, 1, 8, 0, i)).toISOString(),
      actor: i % 2 === 0 ? 'dr.li' : 'nurse.wang',
      role: 'physician',
      patientId: `P${i % 7}`,
      pumpSerial: 'SIM000123',
      action: 'pump.program',
      old: { dose: `${i}` },
      new: { dose: `${i + 1}` },
      reason: 'titration',
      outcome: 'confirmed',
    });
  }
  audit.checkpoint();
  db.close();
});
afterEach(() => cleanup());

/**
 * The attacker's tools: plain SQLite on the file (the app's triggers dropped first, as anyone with
 * the file can), and the published hash rule re-implemented here without the app's code.
 */
function tamper(sql: (db: Database.Database) => void): void {
  const db = new Database(path);
  db.exec(
    'DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;',
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
    const content = [...row.slice(0, 15), prev];
    const hash = `sha256:${createHash('sha256').update(JSON.stringify(content)).digest('hex')}`;
    update.run(prev, `${hash}`, row[0]);
    prev = hash;
  }
}

const verify = () => {
  const db = new Database(path, { readonly: true });
  try {
    return verifyAudit(db, keys);
  } finally {
    db.close();
  }
};

describe('audit trail verification', () => {
  it('passes an untouched trail', () => {
    expect(verify()).toMatchObject({
      ok: true,
      status: 'intact',
      records: 150,
      lastCheckpointSeq: 150,
      unprotectedTail: 0,
      checkpoints: { keyAvailable: true },
    });
  });

  it('detects an edited byte', () => {
    tamper((db) => db.prepare(`UPDATE audit_log SET new_json = replace(new_json, '41', '14') WHERE seq = 40`).run());
    expect(verify().firstFailure).toMatchObject({ seq: 40, problem: 'HASH_MISMATCH' });
  });

  it('detects a deleted record', () => {
    tamper((db) => db.prepare('DELETE FROM audit_log WHERE seq = 77').run());
    expect(verify().firstFailure).toMatchObject({ seq: 77, problem: 'SEQUENCE_GAP' });
  });

  it('detects an inserted record', () => {
    tamper((db) => {
      db.exec(
        'UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 30; UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1030;',
      );
      const prev = db.prepare('SELECT hash FROM audit_log WHERE seq = 29').pluck().get() as string;
      db.prepare(
        `INSERT INTO audit_log (seq, at_utc, actor, action, outcome, prev_hash, hash) VALUES (30, '2026-03-01T08:00:29Z', 'intruder', 'pump.program', 'confirmed', ?, 'sha256:forged')`,
      ).run(prev);
    });
    expect(verify().firstFailure).toMatchObject({ seq: 30, problem: 'HASH_MISMATCH' });
  });

  it('detects reordered records', () => {
    tamper((db) =>
      db.exec(
        'UPDATE audit_log SET seq = -1 WHERE seq = 10; UPDATE audit_log SET seq = 10 WHERE seq = 11; UPDATE audit_log SET seq = 11 WHERE seq = -1;',
      ),
    );
    expect(verify().firstFailure).toMatchObject({ seq: 10, problem: 'CHAIN_BROKEN' });
  });

  it('detects an edit whose whole chain was re-computed, by the signed checkpoints', () => {
    tamper((db) => {
      db.prepare(`UPDATE audit_log SET reason = 'no reason' WHERE seq = 20`).run();
      rechain(db);
    });
    expect(verify().firstFailure).toMatchObject({ seq: 64, problem: 'CHECKPOINT_MISMATCH' });
  });

  it('detects a re-computed chain even when the checkpoints were re-written without the key', () => {
    tamper((db) => {
      db.prepare(`UPDATE audit_log SET actor = 'someone.else' WHERE seq = 100`).run();
      rechain(db);
      db.exec(
        `UPDATE audit_checkpoints SET head_hash = (SELECT hash FROM audit_log WHERE audit_log.seq = audit_checkpoints.seq)`,
      );
    });
    expect(verify().firstFailure).toMatchObject({ seq: 128, problem: 'CHECKPOINT_FORGED' });
  });

  it('detects a re-computed chain with every checkpoint deleted, by the head kept outside the database', () => {
    tamper((db) => {
      db.prepare(`UPDATE audit_log SET outcome = 'rejected' WHERE seq = 140`).run();
      rechain(db);
      db.exec('DELETE FROM audit_checkpoints');
    });
    expect(verify().firstFailure).toMatchObject({ seq: 150, problem: 'CHECKPOINT_MISMATCH' });
  });

  it('reports a truncation: records and checkpoints removed from the end', () => {
    tamper((db) => db.exec('DELETE FROM audit_log WHERE seq > 120; DELETE FROM audit_checkpoints WHERE seq > 120;'));
    expect(verify().firstFailure).toMatchObject({ seq: 121, problem: 'TRUNCATED' });
  });

  it('says how many records after the last checkpoint are not yet signed', () => {
    const db = openDatabase(path);
    const audit = new AuditLog(db, keys);
    for (let i = 0; i < 5; i++)
      audit.append({ atUtc: '2026-03-02T08:00:00Z', actor: 'dr.li', action: 'pump.interrogate', outcome: 'confirmed' });
    db.close();
    expect(verify()).toMatchObject({ ok: true, records: 155, lastCheckpointSeq: 150, unprotectedTail: 5 });
  });

  it('still verifies the chain where the key is absent, and says the signatures were not checked', () => {
    const db = new Database(path, { readonly: true });
    const report = verifyAudit(db, new FileKeyStore(join(dir, 'elsewhere')));
    db.close();
    expect(report).toMatchObject({
      ok: true,
      status: 'unverifiable',
      checkpoints: { keyAvailable: false, verified: 0 },
    });
  });
});
