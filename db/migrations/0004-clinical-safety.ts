import type { Migration } from './types';

/**
 * What the safety check needs to know about the patient: the origin of spasticity (baclofen
 * titrates more slowly for a cerebral origin) and the systemic opioids the patient takes or took,
 * from which opioid tolerance is derived (starting doses, patient boluses). The programming
 * history of a pump is read by time on its own index.
 */
export const m0004ClinicalSafety: Migration = {
  version: 4,
  name: 'clinical-safety',
  up(db) {
    db.exec(`
      ALTER TABLE patients ADD COLUMN spasticity_origin TEXT CHECK (spasticity_origin IN ('spinal', 'cerebral'));

      CREATE TABLE systemic_opioids (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients (id),
        drug TEXT NOT NULL,
        route TEXT NOT NULL,
        dose_value TEXT NOT NULL,
        dose_unit TEXT NOT NULL,
        start_date TEXT NOT NULL,
        stop_date TEXT,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        audit_seq INTEGER NOT NULL REFERENCES audit_log (seq)
      ) STRICT;
      CREATE INDEX systemic_opioids_patient ON systemic_opioids (patient_id, start_date);

      CREATE INDEX programming_sessions_history ON programming_sessions (pump_serial, started_at) WHERE outcome = 'confirmed';
    `);
  },
};
