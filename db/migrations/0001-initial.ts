import type { Migration } from './types';

export const m0001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        pump_serial TEXT,
        detail_json TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('confirmed', 'rejected', 'unconfirmed'))
      ) STRICT;
      CREATE INDEX audit_log_pump ON audit_log (pump_serial, id);

      -- The audit trail is append-only: the database itself refuses edits and deletions.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      CREATE TABLE interrogations (
        id INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        link TEXT NOT NULL CHECK (link IN ('simulator', 'usb')),
        pump_serial TEXT NOT NULL,
        status_json TEXT NOT NULL,
        audit_id INTEGER NOT NULL REFERENCES audit_log (id)
      ) STRICT;
      CREATE INDEX interrogations_pump ON interrogations (pump_serial, id);
    `);
  },
};
