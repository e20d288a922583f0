import type { Db } from '../connection';

/** The prepared statements the audit log reads and writes its chain and checkpoints with. */
export type LogStatements = ReturnType<typeof prepareLogStatements>;

export const prepareLogStatements = (db: Db) => ({
  head: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
  insert: db.prepare(
    `INSERT INTO audit_log (seq, at_utc, pump_time, actor, role, witness, patient_id, pump_serial, action, old_json, new_json,
         reason, acks_json, library_version, outcome, prev_hash, hash) VALUES (${Array(17).fill('?').join(', ')})`,
  ),
  insertAfter: db.prepare(
    `INSERT INTO audit_log (seq, at_utc, pump_time, actor, role, witness, patient_id, pump_serial, action, old_json, new_json,
         reason, acks_json, library_version, outcome, prev_hash, hash) SELECT ${Array(17).fill('?').join(', ')}
       WHERE EXISTS (SELECT 1 FROM audit_log WHERE seq = ? AND hash = ?) AND NOT EXISTS (SELECT 1 FROM audit_log WHERE seq > ?)`,
  ),
  insertCheckpoint: db.prepare(
    'INSERT INTO audit_checkpoints (seq, head_hash, at_utc, mac, meta_hash) VALUES (?, ?, ?, ?, ?)',
  ),
  lastCheckpoint: db.prepare<[], { seq: number }>('SELECT seq FROM audit_checkpoints ORDER BY id DESC LIMIT 1'),
  metaRows: db.prepare('SELECT key, value FROM meta ORDER BY key'),
});
