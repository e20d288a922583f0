import type { Migration } from './types';

export const m0001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      -- Facts about this database file; database_id binds the audit chain and its key to it.
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      INSERT INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(16))));

      -- The audit trail: one record per state-changing action, hash-chained (docs/audit.md).
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        pump_time TEXT,
        actor TEXT NOT NULL,
        role TEXT,
        witness TEXT,
        patient_id TEXT,
        pump_serial TEXT,
        action TEXT NOT NULL,
        old_json TEXT,
        new_json TEXT,
        reason TEXT,
        acks_json TEXT,
        library_version TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('confirmed', 'rejected', 'unconfirmed', 'pending')),
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_log_patient ON audit_log (patient_id, seq) WHERE patient_id IS NOT NULL;
      CREATE INDEX audit_log_pump ON audit_log (pump_serial, seq) WHERE pump_serial IS NOT NULL;
      CREATE INDEX audit_log_actor ON audit_log (actor, seq);
      CREATE INDEX audit_log_action ON audit_log (action, seq);
      CREATE INDEX audit_log_time ON audit_log (at_utc);

      -- Append-only in the database itself; the hash chain and signed checkpoints detect what
      -- someone with plain SQLite access does anyway.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      -- Signed chain heads: an HMAC over (database, seq, hash) with a key kept outside the database.
      CREATE TABLE audit_checkpoints (
        id INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        at_utc TEXT NOT NULL,
        mac TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
      CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
        BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;

      CREATE TABLE interrogations (
        id INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        link TEXT NOT NULL CHECK (link IN ('simulator', 'usb')),
        pump_serial TEXT NOT NULL,
        status_json TEXT NOT NULL,
        audit_seq INTEGER NOT NULL REFERENCES audit_log (seq)
      ) STRICT;
      CREATE INDEX interrogations_pump ON interrogations (pump_serial, id);
    `);
  },
};
