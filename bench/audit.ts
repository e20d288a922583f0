import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/connection';
import { FileKeyStore } from '../db/audit/keys';
import { AuditLog } from '../db/audit/log';
import { verifyAudit } from '../db/audit/verify';
import type { AuditEntry } from '../db/audit/record';
import { percentile, timeEach, type Benchmark, type BenchResult } from './harness';

const entry = (i: number): AuditEntry => ({
  atUtc: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  pumpTime: new Date(Date.UTC(2026, 0, 1) + i * 60_000 + 30_000).toISOString(),
  actor: i % 3 === 0 ? 'dr.li' : 'nurse.wang',
  role: i % 3 === 0 ? 'physician' : 'nurse',
  patientId: `P${i % 5000}`,
  pumpSerial: `SIM${String(i % 5000).padStart(6, '0')}`,
  action: 'pump.program',
  old: { rate: { value: '0.3', unit: 'mL/day' } },
  new: { rate: { value: '0.33', unit: 'mL/day' } },
  reason: 'titration',
  outcome: 'confirmed',
});

function withTempDb<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'pump-bench-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Fills a store with `count` records through the real AuditLog, in large transactions. */
function fill(db: Db, audit: AuditLog, count: number): void {
  const batch = 10_000;
  for (let start = 0; start < count; start += batch) {
    audit.commit(() => {
      for (let i = start; i < Math.min(count, start + batch); i++) audit.append(entry(i));
    });
  }
  audit.checkpoint();
}

export const auditAppendBench: Benchmark = {
  name: 'durable audit append (one commit each)',
  run({ smoke }) {
    return withTempDb((dir): Promise<BenchResult> => {
      const count = smoke ? 10 : 1500;
      const db = openDatabase(join(dir, 'a.sqlite'));
      const audit = new AuditLog(db, new FileKeyStore(join(dir, 'keys')));
      // The baseline: a plain INSERT of the same columns into a table of the same shape, same pragmas.
      const plain = new Database(join(dir, 'plain.sqlite'));
      plain.pragma('journal_mode = WAL');
      plain.pragma('synchronous = FULL');
      // Same columns and the same indexes as audit_log: the difference is the chain and its signing.
      plain.exec(`CREATE TABLE t (seq INTEGER PRIMARY KEY, at_utc TEXT, pump_time TEXT, actor TEXT, role TEXT, witness TEXT, patient_id TEXT, pump_serial TEXT, action TEXT, old_json TEXT, new_json TEXT, reason TEXT, acks_json TEXT, library_version TEXT, outcome TEXT, prev_hash TEXT, hash TEXT) STRICT;
        CREATE INDEX t_patient ON t (patient_id, seq) WHERE patient_id IS NOT NULL; CREATE INDEX t_pump ON t (pump_serial, seq) WHERE pump_serial IS NOT NULL;
        CREATE INDEX t_action ON t (action, seq); CREATE INDEX t_time ON t (at_utc);`);
      const insert = plain.prepare(
        'INSERT INTO t VALUES (NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)',
      );
      // Interleaved one by one, so both see the same disk and cache conditions.
      let appendMs = 0;
      let plainMs = 0;
      for (let i = 0; i < count; i++) {
        const e = entry(i);
        const t0 = process.hrtime.bigint();
        audit.append(e);
        const t1 = process.hrtime.bigint();
        insert.run(
          e.atUtc,
          e.pumpTime,
          e.actor,
          e.role,
          e.patientId,
          e.pumpSerial,
          e.action,
          JSON.stringify(e.old),
          JSON.stringify(e.new),
          e.reason,
          e.outcome,
          'sha256:x',
          `sha256:${i}`,
        );
        const t2 = process.hrtime.bigint();
        appendMs += Number(t1 - t0) / 1e6;
        plainMs += Number(t2 - t1) / 1e6;
      }
      db.close();
      plain.close();
      const value = count / (appendMs / 1000);
      const baseline = count / (plainMs / 1000);
      return Promise.resolve({
        name: this.name,
        value,
        unit: 'rec/s',
        baselineName: 'plain INSERT, same pragmas and indexes',
        baseline,
        ratio: value / baseline,
        samples: count,
      });
    });
  },
};

export const auditVerifyBench: Benchmark = {
  name: 'audit chain verification',
  run({ smoke }) {
    return withTempDb(async (dir): Promise<BenchResult> => {
      const count = smoke ? 1000 : 200_000;
      const db = openDatabase(join(dir, 'v.sqlite'));
      const keys = new FileKeyStore(join(dir, 'keys'));
      fill(db, new AuditLog(db, keys), count);
      const [verifyMs] = await timeEach(1, () => {
        const report = verifyAudit(db, keys);
        if (!report.ok) throw new Error('the bench trail failed verification');
        return Promise.resolve();
      });
      // The bare loop: read every row and hash it, nothing else.
      const [bareMs] = await timeEach(1, () => {
        for (const row of db.prepare('SELECT * FROM audit_log ORDER BY seq').raw(true).iterate() as IterableIterator<
          unknown[]
        >) {
          createHash('sha256').update(JSON.stringify(row)).digest('hex');
        }
        return Promise.resolve();
      });
      db.close();
      const value = count / ((verifyMs ?? 1) / 1000);
      const baseline = count / ((bareMs ?? 1) / 1000);
      return {
        name: this.name,
        value,
        unit: 'rec/s',
        baselineName: 'bare SELECT + SHA-256 loop',
        baseline,
        ratio: value / baseline,
        samples: count,
      };
    });
  },
};

export const auditQueryBench: Benchmark = {
  name: 'audit query, one patient, 1,000,000 records (p95)',
  run({ smoke }) {
    return withTempDb(async (dir): Promise<BenchResult> => {
      const count = smoke ? 1000 : Number(process.env['PUMP_BENCH_AUDIT_RECORDS'] ?? 1_000_000);
      const queries = smoke ? 1 : 500;
      const db = openDatabase(join(dir, 'q.sqlite'));
      fill(db, new AuditLog(db, new FileKeyStore(join(dir, 'keys'))), count);
      const byPatient = db.prepare('SELECT * FROM audit_log WHERE patient_id = ? ORDER BY seq DESC LIMIT 100');
      const byKey = db.prepare('SELECT * FROM audit_log WHERE seq <= ? ORDER BY seq DESC LIMIT 100');
      const plan = JSON.stringify(
        db
          .prepare('EXPLAIN QUERY PLAN SELECT * FROM audit_log WHERE patient_id = ? ORDER BY seq DESC LIMIT 100')
          .all('P1'),
      );
      if (!plan.includes('audit_log_patient')) throw new Error(`the patient query does not use its index: ${plan}`);
      let k = 0;
      const q = await timeEach(queries, () => Promise.resolve(byPatient.all(`P${(k++ * 7919) % 5000}`)));
      const b = await timeEach(queries, () => Promise.resolve(byKey.all(((k++ * 7919) % count) + 100)));
      db.close();
      const value = percentile(q, 95);
      const baseline = percentile(b, 95);
      return {
        name: this.name.replace('1,000,000', count.toLocaleString('en')),
        value,
        unit: 'ms',
        baselineName: '100 rows by primary key',
        baseline,
        ratio: value / baseline,
        samples: queries,
      };
    });
  },
};
