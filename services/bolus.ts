import { type ClinicianBolusRequest } from '../core/library/clinician-bolus';
import { appError, err, ok, type Result } from '../core/result';
import { authorize, type SignedInUser } from './auth/accounts';
import { type ProgrammingDeps, type ReviewedProgram } from './programming-request';
import { said, type NamedMessage } from '../core/messages';
import { reviewBolus, type BolusIntent, type BolusReview } from './bolus-review';
import { readForWrite, safeWrite } from './safe-write';
import { withPumpLock } from './pump-lock';

export interface BolusRequest {
  actor: SignedInUser;
  witness?: SignedInUser | undefined;
  patientId?: string | undefined;
  bolus: ClinicianBolusRequest;
  reviewed?: ReviewedProgram | undefined;
  acknowledgement?: string | undefined;
}

export interface BolusResult {
  outcome: 'confirmed' | 'rejected' | 'unconfirmed';
  sessionId: string;
  /** What the pump did, as far as it is known: started the bolus, did not, or unknown until it is read again. */
  pumpDid: 'started' | 'not-started' | 'unknown';
  mismatches: NamedMessage[];
  review: BolusReview;
  recordingProblem?: string;
}

/**
 * Gives a single or priming bolus through the wand, the way a program is written: physicians only;
 * the one safety check; a reason for soft findings and a witness always; the intent committed to
 * the audit trail and a session opened BEFORE anything is sent; the bolus started with its own
 * transaction id; the pump read back (it must name that transaction and still run its program);
 * the outcome recorded — through the same write path as a program (`safeWrite`). An outcome that
 * cannot be confirmed is UNCONFIRMED and blocks programming of the pump until it is read again
 * (`settleOpenSessions`).
 */
export const deliverBolus = (deps: ProgrammingDeps, request: BolusRequest): Promise<Result<BolusResult>> =>
  withPumpLock(deps.link, () => bolus(deps, request));

async function bolus(deps: ProgrammingDeps, request: BolusRequest): Promise<Result<BolusResult>> {
  const allowed = authorize(request.actor, 'pump.program');
  if (!allowed.ok) return allowed;
  if (deps.link.startBolus === undefined) return err(said('NOT_AVAILABLE', 'bolusNotSupported', {}));
  const read = await readForWrite(deps, request.reviewed, 'bolusProgramChangedSinceReview');
  if (!read.ok) return read;
  const reviewed = reviewBolus(deps, read.value, request.bolus);
  if (!reviewed.ok) return reviewed;
  const review = reviewed.value;
  const written = await safeWrite({
    deps,
    request,
    action: 'pump.bolus',
    old: read.value,
    check: review.check,
    newValues: {
      kind: review.kind,
      volume: review.volume,
      durationMinutes: review.durationMinutes,
      rate: review.rate,
      doses: review.doses,
      reservoirAfter: review.reservoir.after,
      ...(review.catheterPrimed === undefined ? {} : { catheterPrimed: review.catheterPrimed }),
    },
    // Every clinician bolus gives drug on top of the program: a second clinician signs, always.
    witnessNeeded: 'bolusNeedsWitness',
    // The session's intent: the program the pump runs (unchanged, read back) and the bolus on top of it.
    intent: (ids): BolusIntent => ({
      ...ids,
      settings: review.running,
      bolus: {
        kind: review.kind,
        volumeMl: review.volume.value,
        durationMinutes: review.durationMinutes,
        ...(review.catheterPrimed === undefined ? {} : { catheterPrimed: review.catheterPrimed }),
      },
    }),
    notRecordedKey: 'bolusNotRecordedNotSent',
    send: (intent) =>
      deps.link.startBolus?.({
        transactionId: intent.transactionId,
        pumpSerial: intent.pumpSerial,
        kind: review.kind,
        volumeMl: review.volume.value,
        durationMinutes: review.durationMinutes,
      }) ?? Promise.resolve(err(appError('NOT_AVAILABLE', 'this link cannot start a bolus'))),
    outcomeDetail: (outcome, applied, intent) => ({
      transactionId: intent.transactionId,
      pumpDid: pumpDidOf(outcome, applied),
    }),
  });
  if (!written.ok) return written;
  const { outcome, intent, mismatches, applied, recordingProblem } = written.value;
  return ok({
    outcome,
    sessionId: intent.sessionId,
    pumpDid: pumpDidOf(outcome, applied),
    mismatches,
    review,
    ...(recordingProblem === undefined ? {} : { recordingProblem }),
  });
}

/** What the pump did with a bolus: started it (it names the bolus's transaction), did not, or unknown until it is read again. */
const pumpDidOf = (outcome: BolusResult['outcome'], applied: boolean): BolusResult['pumpDid'] =>
  outcome === 'confirmed' ? 'started' : outcome === 'rejected' ? 'not-started' : applied ? 'started' : 'unknown';
