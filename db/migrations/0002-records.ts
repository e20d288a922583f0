import type { Migration } from './types';

/** Accounts, site settings and the clinical records: patients, pumps, refills, sessions. */
export const m0002Records: Migration = {
  version: 2,
  name: 'records',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('physician', 'nurse', 'admin')),
        password_hash TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE site_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE patients (
        id INTEGER PRIMARY KEY,
        identifier TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        birth_date TEXT,
        indication TEXT CHECK (indication IN ('cancer', 'non-cancer')),
        indication_kind TEXT,
        notes TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX patients_name ON patients (name);

      CREATE TABLE pain_assessments (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients (id),
        assessed_at TEXT NOT NULL,
        vas INTEGER NOT NULL CHECK (vas BETWEEN 0 AND 10),
        note TEXT,
        recorded_by TEXT NOT NULL
      ) STRICT;
      CREATE INDEX pain_assessments_patient ON pain_assessments (patient_id, assessed_at);

      CREATE TABLE screening_trials (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients (id),
        trial_date TEXT NOT NULL,
        side_effects TEXT,
        decision TEXT NOT NULL CHECK (decision IN ('implant', 'no-implant', 'repeat')),
        notes TEXT,
        recorded_by TEXT NOT NULL
      ) STRICT;
      CREATE INDEX screening_trials_patient ON screening_trials (patient_id, trial_date);

      CREATE TABLE screening_doses (
        id INTEGER PRIMARY KEY,
        trial_id INTEGER NOT NULL REFERENCES screening_trials (id),
        given_at TEXT NOT NULL,
        drug TEXT NOT NULL,
        dose_json TEXT NOT NULL,
        vas_before INTEGER CHECK (vas_before BETWEEN 0 AND 10),
        vas_after INTEGER CHECK (vas_after BETWEEN 0 AND 10),
        response TEXT
      ) STRICT;
      CREATE INDEX screening_doses_trial ON screening_doses (trial_id);

      CREATE TABLE implanted_pumps (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients (id),
        model_id TEXT NOT NULL,
        serial TEXT NOT NULL UNIQUE,
        implant_date TEXT NOT NULL,
        catheter_model_id TEXT,
        catheter_length_cm TEXT,
        replace_by_date TEXT,
        explanted_on TEXT
      ) STRICT;
      CREATE INDEX implanted_pumps_patient ON implanted_pumps (patient_id);

      CREATE TABLE prescriptions (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients (id),
        pump_id INTEGER REFERENCES implanted_pumps (id),
        ordered_at TEXT NOT NULL,
        ordered_by TEXT NOT NULL,
        program_json TEXT NOT NULL,
        fill_volume_ml TEXT,
        notes TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'filled', 'cancelled'))
      ) STRICT;
      CREATE INDEX prescriptions_patient ON prescriptions (patient_id, ordered_at);

      CREATE TABLE refills (
        id INTEGER PRIMARY KEY,
        pump_id INTEGER NOT NULL REFERENCES implanted_pumps (id),
        prescription_id INTEGER REFERENCES prescriptions (id),
        performed_at TEXT NOT NULL,
        nurse TEXT NOT NULL,
        witness TEXT,
        syringe_drug TEXT NOT NULL,
        syringe_concentration_json TEXT NOT NULL,
        syringe_lot TEXT NOT NULL,
        syringe_expiry TEXT NOT NULL,
        syringe_volume_ml TEXT NOT NULL,
        prepared_by TEXT NOT NULL,
        checked_by TEXT NOT NULL,
        barcode TEXT,
        expected_residual_ml TEXT,
        withdrawn_ml TEXT NOT NULL,
        discrepancy_ml TEXT,
        discrepancy_flag INTEGER NOT NULL DEFAULT 0 CHECK (discrepancy_flag IN (0, 1)),
        instilled_ml TEXT NOT NULL,
        new_reservoir_ml TEXT NOT NULL,
        waste_ml TEXT,
        waste_witness TEXT,
        audit_seq INTEGER NOT NULL REFERENCES audit_log (seq)
      ) STRICT;
      CREATE INDEX refills_pump ON refills (pump_id, performed_at);

      CREATE TABLE programming_sessions (
        id INTEGER PRIMARY KEY,
        session_uuid TEXT NOT NULL UNIQUE,
        pump_serial TEXT NOT NULL,
        started_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        witness TEXT,
        intent_json TEXT NOT NULL,
        outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'confirmed', 'rejected', 'unconfirmed')),
        resolved_at TEXT,
        intent_audit_seq INTEGER NOT NULL REFERENCES audit_log (seq),
        outcome_audit_seq INTEGER REFERENCES audit_log (seq)
      ) STRICT;
      CREATE INDEX programming_sessions_pump ON programming_sessions (pump_serial, outcome);
      CREATE INDEX programming_sessions_open ON programming_sessions (outcome) WHERE outcome IN ('pending', 'unconfirmed');

      CREATE TABLE session_frames (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES programming_sessions (id),
        at TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
        bytes BLOB NOT NULL
      ) STRICT;
      CREATE INDEX session_frames_session ON session_frames (session_id, id);

      CREATE TABLE drug_libraries (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        content_json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        confirmed_by TEXT,
        confirmed_at TEXT
      ) STRICT;
    `);
  },
};
