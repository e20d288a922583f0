import type { Db } from '../connection';

export interface PatientRow {
  id: number;
  identifier: string;
  name: string;
  birthDate: string | null;
  indication: 'cancer' | 'non-cancer' | null;
  indicationKind: string | null;
  spasticityOrigin: 'spinal' | 'cerebral' | null;
}

const patientColumns =
  'id, identifier, name, birth_date AS birthDate, indication, indication_kind AS indicationKind, spasticity_origin AS spasticityOrigin';

export function insertPatient(
  db: Db,
  p: {
    identifier: string;
    name: string;
    birthDate: string | null;
    indication: string | null;
    indicationKind: string | null;
    spasticityOrigin?: string | null;
    notes: string | null;
    createdAt: string;
  },
): number {
  return Number(
    db
      .prepare(
        'INSERT INTO patients (identifier, name, birth_date, indication, indication_kind, spasticity_origin, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        p.identifier,
        p.name,
        p.birthDate,
        p.indication,
        p.indicationKind,
        p.spasticityOrigin ?? null,
        p.notes,
        p.createdAt,
      ).lastInsertRowid,
  );
}

/** By exact identifier, or by name prefix (on `patients_name`). */
export function searchPatients(db: Db, query: string, limit = 50): PatientRow[] {
  const prefix = `${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .prepare<[string, string, number], PatientRow>(
      `SELECT ${patientColumns} FROM patients WHERE identifier = ? OR name LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?`,
    )
    .all(query, prefix, limit);
}

export const findPatient = (db: Db, id: number): PatientRow | undefined =>
  db.prepare<[number], PatientRow>(`SELECT ${patientColumns} FROM patients WHERE id = ?`).get(id);

export function insertPain(
  db: Db,
  p: { patientId: number; assessedAt: string; vas: number; note: string | null; recordedBy: string },
): number {
  return Number(
    db
      .prepare('INSERT INTO pain_assessments (patient_id, assessed_at, vas, note, recorded_by) VALUES (?, ?, ?, ?, ?)')
      .run(p.patientId, p.assessedAt, p.vas, p.note, p.recordedBy).lastInsertRowid,
  );
}

export const painHistory = (db: Db, patientId: number) =>
  db
    .prepare<[number], { assessedAt: string; vas: number }>(
      'SELECT assessed_at AS assessedAt, vas FROM pain_assessments WHERE patient_id = ? ORDER BY assessed_at',
    )
    .all(patientId);

export interface ImplantedPumpRow {
  id: number;
  patientId: number;
  modelId: string;
  serial: string;
  implantDate: string;
  catheterModelId: string | null;
  catheterLengthCm: string | null;
  replaceByDate: string | null;
}

export function insertImplantedPump(db: Db, p: Omit<ImplantedPumpRow, 'id'>): number {
  return Number(
    db
      .prepare(
        'INSERT INTO implanted_pumps (patient_id, model_id, serial, implant_date, catheter_model_id, catheter_length_cm, replace_by_date) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(p.patientId, p.modelId, p.serial, p.implantDate, p.catheterModelId, p.catheterLengthCm, p.replaceByDate)
      .lastInsertRowid,
  );
}

export const findPumpBySerial = (db: Db, serial: string): ImplantedPumpRow | undefined =>
  db
    .prepare<[string], ImplantedPumpRow>(
      `SELECT id, patient_id AS patientId, model_id AS modelId, serial, implant_date AS implantDate, catheter_model_id AS catheterModelId,
         catheter_length_cm AS catheterLengthCm, replace_by_date AS replaceByDate FROM implanted_pumps WHERE serial = ?`,
    )
    .get(serial);

export interface RefillInsert {
  pumpId: number;
  prescriptionId: number | null;
  performedAt: string;
  nurse: string;
  witness: string;
  syringeDrug: string;
  syringeConcentrationJson: string;
  syringeLot: string;
  syringeExpiry: string;
  syringeVolumeMl: string;
  preparedBy: string;
  checkedBy: string;
  barcode: string | null;
  expectedResidualMl: string | null;
  withdrawnMl: string;
  discrepancyMl: string | null;
  discrepancyFlag: boolean;
  instilledMl: string;
  newReservoirMl: string;
  wasteMl: string | null;
  wasteWitness: string | null;
  auditSeq: number;
}

export function insertRefill(db: Db, r: RefillInsert): number {
  return Number(
    db
      .prepare(
        `INSERT INTO refills (pump_id, prescription_id, performed_at, nurse, witness, syringe_drug, syringe_concentration_json, syringe_lot, syringe_expiry,
           syringe_volume_ml, prepared_by, checked_by, barcode, expected_residual_ml, withdrawn_ml, discrepancy_ml, discrepancy_flag,
           instilled_ml, new_reservoir_ml, waste_ml, waste_witness, audit_seq) VALUES (${Array(22).fill('?').join(', ')})`,
      )
      .run(
        r.pumpId,
        r.prescriptionId,
        r.performedAt,
        r.nurse,
        r.witness,
        r.syringeDrug,
        r.syringeConcentrationJson,
        r.syringeLot,
        r.syringeExpiry,
        r.syringeVolumeMl,
        r.preparedBy,
        r.checkedBy,
        r.barcode,
        r.expectedResidualMl,
        r.withdrawnMl,
        r.discrepancyMl,
        r.discrepancyFlag ? 1 : 0,
        r.instilledMl,
        r.newReservoirMl,
        r.wasteMl,
        r.wasteWitness,
        r.auditSeq,
      ).lastInsertRowid,
  );
}

/** The discrepancy history of a pump, oldest first, for the trend chart (on `refills_pump`). */
export const refillHistory = (db: Db, pumpId: number) =>
  db
    .prepare<[number], { performedAt: string; discrepancyMl: string | null; discrepancyFlag: number }>(
      'SELECT performed_at AS performedAt, discrepancy_ml AS discrepancyMl, discrepancy_flag AS discrepancyFlag FROM refills WHERE pump_id = ? ORDER BY performed_at',
    )
    .all(pumpId);

export const pumpsOfPatient = (db: Db, patientId: number): ImplantedPumpRow[] =>
  db
    .prepare<[number], ImplantedPumpRow>(
      `SELECT id, patient_id AS patientId, model_id AS modelId, serial, implant_date AS implantDate, catheter_model_id AS catheterModelId,
         catheter_length_cm AS catheterLengthCm, replace_by_date AS replaceByDate FROM implanted_pumps WHERE patient_id = ? ORDER BY implant_date`,
    )
    .all(patientId);

/** Every refill of a pump with its volumes, oldest first (on `refills_pump`). */
export const refillVisits = (db: Db, pumpId: number) =>
  db
    .prepare<
      [number],
      {
        performedAt: string;
        discrepancyMl: string | null;
        discrepancyFlag: number;
        withdrawnMl: string;
        instilledMl: string;
      }
    >(
      `SELECT performed_at AS performedAt, discrepancy_ml AS discrepancyMl, discrepancy_flag AS discrepancyFlag, withdrawn_ml AS withdrawnMl,
         instilled_ml AS instilledMl FROM refills WHERE pump_id = ? ORDER BY performed_at`,
    )
    .all(pumpId);

export const screeningTrials = (db: Db, patientId: number) =>
  db
    .prepare<[number], { trialDate: string; decision: string; sideEffects: string | null; notes: string | null }>(
      'SELECT trial_date AS trialDate, decision, side_effects AS sideEffects, notes FROM screening_trials WHERE patient_id = ? ORDER BY trial_date',
    )
    .all(patientId);

export interface SystemicOpioidRow {
  id: number;
  drug: string;
  route: string;
  doseValue: string;
  doseUnit: string;
  startDate: string;
  stopDate: string | null;
  recordedBy: string;
  recordedAt: string;
}

export function insertSystemicOpioid(
  db: Db,
  r: Omit<SystemicOpioidRow, 'id'> & { patientId: number; auditSeq: number },
): number {
  return Number(
    db
      .prepare(
        'INSERT INTO systemic_opioids (patient_id, drug, route, dose_value, dose_unit, start_date, stop_date, recorded_by, recorded_at, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        r.patientId,
        r.drug,
        r.route,
        r.doseValue,
        r.doseUnit,
        r.startDate,
        r.stopDate,
        r.recordedBy,
        r.recordedAt,
        r.auditSeq,
      ).lastInsertRowid,
  );
}

/** A patient's systemic opioids, oldest first (on `systemic_opioids_patient`). */
export const systemicOpioidsOf = (db: Db, patientId: number): SystemicOpioidRow[] =>
  db
    .prepare<[number], SystemicOpioidRow>(
      `SELECT id, drug, route, dose_value AS doseValue, dose_unit AS doseUnit, start_date AS startDate, stop_date AS stopDate, recorded_by AS recordedBy, recorded_at AS recordedAt
       FROM systemic_opioids WHERE patient_id = ? ORDER BY start_date, id`,
    )
    .all(patientId);

export const setSystemicOpioidStop = (db: Db, id: number, patientId: number, stopDate: string): boolean =>
  db.prepare('UPDATE systemic_opioids SET stop_date = ? WHERE id = ? AND patient_id = ?').run(stopDate, id, patientId)
    .changes === 1;

/** The last refill of a pump: when, the drug filled and the syringe's expiry (on `refills_pump`). */
export const lastRefill = (
  db: Db,
  pumpId: number,
): { performedAt: string; syringeDrug: string; syringeExpiry: string } | undefined =>
  db
    .prepare<[number], { performedAt: string; syringeDrug: string; syringeExpiry: string }>(
      'SELECT performed_at AS performedAt, syringe_drug AS syringeDrug, syringe_expiry AS syringeExpiry FROM refills WHERE pump_id = ? ORDER BY performed_at DESC LIMIT 1',
    )
    .get(pumpId);

/** How many times a drug was filled into the pump (its first fill may be shorter-lived). */
export const fillCount = (db: Db, pumpId: number, drug: string): number =>
  db
    .prepare<[number, string], number>('SELECT count(*) FROM refills WHERE pump_id = ? AND syringe_drug = ?')
    .pluck()
    .get(pumpId, drug) ?? 0;
