import { err, ok, type Result } from '../core/result';
import type { ApiOutput } from '../core/api/contract';
import { findPatient } from '../db/queries/records';
import { clearReviewRow, findReview, openReviews, type ReviewRow } from '../db/queries/reviews';
import { authorize, type SignedInUser } from './auth/accounts';
import type { RecordsDeps } from './records';
import { said } from '../core/messages';

/** A pump on the review list as the API shows it (the contract's schema). */
export type PumpReview = ApiOutput<'reviews:list'>[number];

/** A review row without the columns the list does not show. */
type ShownColumns = Omit<ReviewRow, 'pumpId' | 'patientId' | 'auditSeq' | 'clearedBy' | 'clearedAt' | 'clearNote'>;
/** Fails to compile when the row gains a column the view does not have: show it or leave it out above. */
type OnlyViewColumns = ShownColumns & Record<Exclude<keyof ShownColumns, keyof PumpReview>, never>;

/** The review row as the list shows it: its columns, and the pump's patient in full. */
const viewOf = (deps: Pick<RecordsDeps, 'db'>, row: ReviewRow): PumpReview => {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the columns left out of the view
  const { pumpId, patientId, auditSeq, clearedBy, clearedAt, clearNote, ...shown } = row;
  const view: OnlyViewColumns = shown;
  return { ...view, patient: findPatient(deps.db, patientId) ?? null };
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
