import type { Db } from '../connection';

export interface ReviewInsert {
  pumpId: number;
  refillId: number;
  flaggedAt: string;
  nurse: string;
  expectedMl: string;
  withdrawnMl: string;
  discrepancyMl: string;
  checked: string;
  patientState: string;
  auditSeq: number;
}

export interface ReviewRow extends ReviewInsert {
  id: number;
  pumpSerial: string;
  patientId: number;
  clearedBy: string | null;
  clearedAt: string | null;
  clearNote: string | null;
}

export function insertReview(db: Db, r: ReviewInsert): number {
  return Number(
    db
      .prepare(
        `INSERT INTO pump_reviews (pump_id, refill_id, flagged_at, nurse, expected_ml, withdrawn_ml, discrepancy_ml, checked, patient_state, audit_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.pumpId,
        r.refillId,
        r.flaggedAt,
        r.nurse,
        r.expectedMl,
        r.withdrawnMl,
        r.discrepancyMl,
        r.checked,
        r.patientState,
        r.auditSeq,
      ).lastInsertRowid,
  );
}

const SELECT = `SELECT r.id, r.pump_id AS pumpId, r.refill_id AS refillId, r.flagged_at AS flaggedAt, r.nurse, r.expected_ml AS expectedMl,
    r.withdrawn_ml AS withdrawnMl, r.discrepancy_ml AS discrepancyMl, r.checked, r.patient_state AS patientState, r.audit_seq AS auditSeq,
    r.cleared_by AS clearedBy, r.cleared_at AS clearedAt, r.clear_note AS clearNote, p.serial AS pumpSerial, p.patient_id AS patientId
  FROM pump_reviews r JOIN implanted_pumps p ON p.id = r.pump_id`;

/** The reviews no physician has cleared yet, oldest first (on `pump_reviews_open`). */
export const openReviews = (db: Db): ReviewRow[] =>
  db.prepare<[], ReviewRow>(`${SELECT} WHERE r.cleared_at IS NULL ORDER BY r.flagged_at, r.id`).all();

export const findReview = (db: Db, id: number): ReviewRow | undefined =>
  db.prepare<[number], ReviewRow>(`${SELECT} WHERE r.id = ?`).get(id);

/** Clears an open review; false when it was already cleared (two physicians at once). */
export const clearReviewRow = (
  db: Db,
  id: number,
  c: { by: string; at: string; note: string; auditSeq: number },
): boolean =>
  db
    .prepare(
      'UPDATE pump_reviews SET cleared_by = ?, cleared_at = ?, clear_note = ?, clear_audit_seq = ? WHERE id = ? AND cleared_at IS NULL',
    )
    .run(c.by, c.at, c.note, c.auditSeq, id).changes === 1;
