import type { Db } from '../connection';

export function insertScreeningTrial(
  db: Db,
  t: {
    patientId: number;
    trialDate: string;
    sideEffects: string | null;
    decision: string;
    notes: string | null;
    recordedBy: string;
  },
): number {
  return Number(
    db
      .prepare(
        'INSERT INTO screening_trials (patient_id, trial_date, side_effects, decision, notes, recorded_by) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(t.patientId, t.trialDate, t.sideEffects, t.decision, t.notes, t.recordedBy).lastInsertRowid,
  );
}

export function insertScreeningDose(
  db: Db,
  d: {
    trialId: number;
    givenAt: string;
    drug: string;
    doseJson: string;
    vasBefore: number | null;
    vasAfter: number | null;
    response: string | null;
  },
): number {
  return Number(
    db
      .prepare(
        'INSERT INTO screening_doses (trial_id, given_at, drug, dose_json, vas_before, vas_after, response) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(d.trialId, d.givenAt, d.drug, d.doseJson, d.vasBefore, d.vasAfter, d.response).lastInsertRowid,
  );
}

export function insertPrescription(
  db: Db,
  p: {
    patientId: number;
    pumpId: number | null;
    orderedAt: string;
    orderedBy: string;
    programJson: string;
    fillVolumeMl: string | null;
    notes: string | null;
  },
): number {
  return Number(
    db
      .prepare(
        'INSERT INTO prescriptions (patient_id, pump_id, ordered_at, ordered_by, program_json, fill_volume_ml, notes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(p.patientId, p.pumpId, p.orderedAt, p.orderedBy, p.programJson, p.fillVolumeMl, p.notes).lastInsertRowid,
  );
}

export interface PrescriptionRow {
  id: number;
  patientId: number;
  pumpId: number | null;
  orderedAt: string;
  orderedBy: string;
  programJson: string;
  fillVolumeMl: string | null;
  notes: string | null;
  status: 'open' | 'filled' | 'cancelled';
}

const prescriptionColumns =
  'id, patient_id AS patientId, pump_id AS pumpId, ordered_at AS orderedAt, ordered_by AS orderedBy, program_json AS programJson, fill_volume_ml AS fillVolumeMl, notes, status';

/** A patient's orders, newest first (on `prescriptions_patient`). */
export const prescriptionsOf = (db: Db, patientId: number): PrescriptionRow[] =>
  db
    .prepare<[number], PrescriptionRow>(
      `SELECT ${prescriptionColumns} FROM prescriptions WHERE patient_id = ? ORDER BY ordered_at DESC, id DESC`,
    )
    .all(patientId);

export const findPrescription = (db: Db, id: number): PrescriptionRow | undefined =>
  db.prepare<[number], PrescriptionRow>(`SELECT ${prescriptionColumns} FROM prescriptions WHERE id = ?`).get(id);

/** Open → filled or cancelled, once: returns false when the order was no longer open. */
export const closePrescription = (db: Db, id: number, status: 'filled' | 'cancelled'): boolean =>
  db.prepare("UPDATE prescriptions SET status = ? WHERE id = ? AND status = 'open'").run(status, id).changes === 1;

export function insertFrame(
  db: Db,
  f: { sessionId: number; at: string; direction: 'out' | 'in'; bytes: Uint8Array },
): void {
  db.prepare('INSERT INTO session_frames (session_id, at, direction, bytes) VALUES (?, ?, ?, ?)').run(
    f.sessionId,
    f.at,
    f.direction,
    Buffer.from(f.bytes),
  );
}

export interface LibraryVersionRow {
  version: number;
  name: string;
  hash: string;
  contentJson: string;
  confirmedBy: string | null;
  createdBy: string;
}

const libraryColumns =
  'version, name, hash, content_json AS contentJson, confirmed_by AS confirmedBy, created_by AS createdBy';

export const latestLibrary = (db: Db): LibraryVersionRow | undefined =>
  db.prepare<[], LibraryVersionRow>(`SELECT ${libraryColumns} FROM drug_libraries ORDER BY version DESC LIMIT 1`).get();

export const libraryByVersion = (db: Db, version: number): LibraryVersionRow | undefined =>
  db
    .prepare<[number], LibraryVersionRow>(`SELECT ${libraryColumns} FROM drug_libraries WHERE version = ?`)
    .get(version);

export function insertLibraryVersion(
  db: Db,
  l: { version: number; name: string; hash: string; contentJson: string; createdAt: string; createdBy: string },
): void {
  db.prepare(
    'INSERT INTO drug_libraries (version, name, hash, content_json, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(l.version, l.name, l.hash, l.contentJson, l.createdAt, l.createdBy);
}

export function confirmLibraryVersion(db: Db, version: number, by: string, at: string): void {
  db.prepare('UPDATE drug_libraries SET confirmed_by = ?, confirmed_at = ? WHERE version = ?').run(by, at, version);
}
