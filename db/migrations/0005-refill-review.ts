import type { Migration } from './types';

/**
 * The physician review list: a refill with a flagged discrepancy (expected minus withdrawn above
 * the threshold) carries the nurse's acknowledgement (what was checked, the patient's state) and
 * puts the pump on the list until a physician clears it with a note. Each row points at the audit
 * records that created and cleared it.
 */
export const m0005RefillReview: Migration = {
  version: 5,
  name: 'refill-review',
  up(db) {
    db.exec(`
      CREATE TABLE pump_reviews (
        id INTEGER PRIMARY KEY,
        pump_id INTEGER NOT NULL REFERENCES implanted_pumps (id),
        refill_id INTEGER NOT NULL REFERENCES refills (id),
        flagged_at TEXT NOT NULL,
        nurse TEXT NOT NULL,
        expected_ml TEXT NOT NULL,
        withdrawn_ml TEXT NOT NULL,
        discrepancy_ml TEXT NOT NULL,
        checked TEXT NOT NULL,
        patient_state TEXT NOT NULL,
        audit_seq INTEGER NOT NULL REFERENCES audit_log (seq),
        cleared_by TEXT,
        cleared_at TEXT,
        clear_note TEXT,
        clear_audit_seq INTEGER REFERENCES audit_log (seq),
        CHECK ((cleared_by IS NULL) = (cleared_at IS NULL) AND (cleared_by IS NULL) = (clear_note IS NULL))
      ) STRICT;
      CREATE INDEX pump_reviews_open ON pump_reviews (flagged_at) WHERE cleared_at IS NULL;
    `);
  },
};
