import { err, ok, type Result } from '../core/result';
import { said } from '../core/messages';
import type { Patient } from '../core/api/schemas';
import { findPatient } from '../db/queries/records';
import { clearReviewRow, findReview, openReviews, type ReviewRow } from '../db/queries/reviews';
import { authorize, type SignedInUser } from './auth/accounts';
import type { RecordsDeps } from './records';

export interface PumpReview {
  id: number;
  pumpSerial: string;
  patient: Patient | null;
  refillId: number;
  flaggedAt: string;
  nurse: string;
  expectedMl: string;
  withdrawnMl: string;
  discrepancyMl: string;
  checked: string;
  patientState: string;
}

const viewOf = (deps: Pick<RecordsDeps, 'db'>, r: ReviewRow): PumpReview => {
  return {
    id: r.id,
    pumpSerial: r.pumpSerial,
    patient: findPatient(deps.db, r.patientId) ?? null,
    refillId: r.refillId,
    flaggedAt: r.flaggedAt,
    nurse: r.nurse,
    expectedMl: r.expectedMl,
    withdrawnMl: r.withdrawnMl,
    discrepancyMl: r.discrepancyMl,
    checked: r.checked,
    patientState: r.patientState,
  };
};

/** The pumps that need a physician's review: a refill flagged a discrepancy the nurse acknowledged. */
export function reviewList(deps: Pick<RecordsDeps, 'db'>, user: SignedInUser): Result<PumpReview[]> {
  const allowed = authorize(user, 'patient.view');
  if (!allowed.ok) return allowed;
  return ok(openReviews(deps.db).map((r) => viewOf(deps, r)));
}

/** A physician clears a review with a note: the audit record and the cleared row commit together. */
export function clearReview(deps: RecordsDeps, user: SignedInUser, input: { id: number; note: string }): Result<null> {
  const allowed = authorize(user, 'review.clear');
  if (!allowed.ok) return allowed;
  const note = input.note.trim();
  if (note.length < 3) return err(said('INVALID_INPUT', 'reviewNoteTooShort', {}, 'note'));
  const row = findReview(deps.db, input.id);
  if (row === undefined) return err(said('INVALID_INPUT', 'noSuchReview', { id: String(input.id) }, 'id'));
  if (row.clearedAt !== null)
    return err(said('CONFLICT', 'reviewAlreadyCleared', { id: String(input.id), user: row.clearedBy ?? '' }, 'id'));
  const patient = findPatient(deps.db, row.patientId);
  return deps.audit.commit(() => {
    const at = deps.now().toISOString();
    const record = deps.audit.append({
      atUtc: at,
      actor: user.username,
      role: user.role,
      patientId: patient?.identifier ?? null,
      pumpSerial: row.pumpSerial,
      action: 'review.clear',
      old: {
        reviewId: row.id,
        refillId: row.refillId,
        discrepancyMl: row.discrepancyMl,
        checked: row.checked,
        patientState: row.patientState,
        nurse: row.nurse,
      },
      new: { cleared: true },
      reason: note,
      outcome: 'confirmed',
    });
    if (!clearReviewRow(deps.db, row.id, { by: user.username, at, note, auditSeq: record.seq }))
      throw new Error('the review was cleared meanwhile');
    return ok(null);
  });
}
