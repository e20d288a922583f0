import { randomUUID } from 'node:crypto';
import { type ClinicianBolusRequest } from '../core/library/clinician-bolus';
import type { BolusWrite } from '../core/pump';
import { appError, err, ok, type AppError, type Result } from '../core/result';
import type { AuditEntry } from '../db/audit/record';
import { insertSession, openSessions } from '../db/queries/sessions';
import { authorize, type SignedInUser } from './auth/accounts';
import { compareReadBack } from './read-back';
import { guarded, hardLimitError } from './programming';
import { recordOutcome, retryBookkeeping, signIfDue, writingSession } from './session-outcomes';
import { sameAsReviewed, type ProgrammingDeps, type ReviewedProgram } from './programming-request';
import { englishText, namedWithCause, said, type NamedMessage } from '../core/messages';

import { reviewBolus, type BolusIntent, type BolusReview } from './bolus-review';

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
 * the outcome recorded. An outcome that cannot be confirmed is UNCONFIRMED and blocks programming
 * of the pump until it is read again (`settleOpenSessions`).
 */
export async function deliverBolus(deps: ProgrammingDeps, request: BolusRequest): Promise<Result<BolusResult>> {
  const allowed = authorize(request.actor, 'pump.program');
  if (!allowed.ok) return allowed;
  if (deps.link.startBolus === undefined) return err(said('NOT_AVAILABLE', 'bolusNotSupported', {}));
  retryBookkeeping(deps);
  deps.frames?.take(); // frames from before this session are not part of it
  const read = await deps.link.interrogate();
  if (!read.ok) return read;
  const old = read.value;
  const blocked = openSessions(deps.db, old.serial)[0];
  if (blocked !== undefined) {
    return err(said('PROGRAMMING_BLOCKED', 'sessionUnresolved', { session: blocked.sessionUuid, serial: old.serial }));
  }
  if (request.reviewed !== undefined && !sameAsReviewed(old, request.reviewed)) {
    return err(said('CONFLICT', 'bolusProgramChangedSinceReview', { serial: old.serial }));
  }
  const reviewed = reviewBolus(deps, old, request.bolus);
  if (!reviewed.ok) return reviewed;
  const review = reviewed.value;
  const check = review.check;

  const atUtc = deps.now().toISOString();
  const base: Omit<AuditEntry, 'outcome'> = {
    atUtc,
    pumpTime: old.pumpTime,
    actor: request.actor.username,
    role: request.actor.role,
    witness: request.witness?.username ?? null,
    patientId: request.patientId ?? null,
    pumpSerial: old.serial,
    action: 'pump.bolus',
    libraryVersion: `${check.library.version}:${check.library.hash}`,
  };
  const oldValues = {
    drug: old.drug,
    concentration: old.concentration,
    mode: old.mode,
    rate: old.rate,
    dailyDose: old.dailyDose,
    reservoirVolume: old.reservoirVolume,
  };
  const bolusValues = {
    kind: review.kind,
    volume: review.volume,
    durationMinutes: review.durationMinutes,
    rate: review.rate,
    doses: review.doses,
    reservoirAfter: review.reservoir.after,
    ...(review.catheterPrimed === undefined ? {} : { catheterPrimed: review.catheterPrimed }),
  };
  const refuse = (error: AppError) => {
    try {
      deps.audit.append({
        ...base,
        old: oldValues,
        new: bolusValues,
        acknowledgements: check.findings,
        reason: error.message,
        outcome: 'rejected',
      });
    } catch {
      // Nothing was sent: the refusal stands even if it cannot be recorded.
    }
    return err(error);
  };
  if (check.verdict === 'hard') return refuse(hardLimitError(check.findings));
  if (check.verdict === 'soft' && (request.acknowledgement ?? '').trim().length < 3)
    return refuse(said('ACKNOWLEDGEMENT_REQUIRED', 'softLimitsNeedReason', {}));
  if (request.witness === undefined) return refuse(said('WITNESS_REQUIRED', 'bolusNeedsWitness', {}));

  const sessionId = randomUUID();
  const transactionId = randomUUID();
  const intent: BolusIntent = {
    sessionId,
    transactionId,
    settings: review.running,
    bolus: {
      kind: review.kind,
      volumeMl: review.volume.value,
      durationMinutes: review.durationMinutes,
      ...(review.catheterPrimed === undefined ? {} : { catheterPrimed: review.catheterPrimed }),
    },
  };
  let sessionRow: number;
  try {
    sessionRow = deps.db
      .transaction(() => {
        const record = deps.audit.append({
          ...base,
          old: oldValues,
          new: { ...bolusValues, sessionId, transactionId },
          reason: request.acknowledgement ?? null,
          acknowledgements: check.verdict === 'soft' ? check.findings : null,
          outcome: 'pending',
        });
        return insertSession(deps.db, {
          sessionUuid: sessionId,
          pumpSerial: old.serial,
          startedAt: atUtc,
          actor: request.actor.username,
          witness: request.witness?.username ?? null,
          intentJson: JSON.stringify(intent),
          intentAuditSeq: record.seq,
        });
      })
      .immediate();
  } catch (e) {
    return err(said('STORAGE_FAILED', 'bolusNotRecordedNotSent', { detail: (e as Error).message }));
  }
  // From here the pump may act: this call owns the session until its outcome is recorded.
  writingSession.begin(sessionId);
  try {
    const problems = [signIfDue(deps)];
    const write: BolusWrite = {
      transactionId,
      kind: review.kind,
      volumeMl: review.volume.value,
      durationMinutes: review.durationMinutes,
    };
    const sent = await guarded(
      () =>
        deps.link.startBolus?.(write) ??
        Promise.resolve(err(appError('NOT_AVAILABLE', 'this link cannot start a bolus'))),
    );
    const readBack = await guarded(() => deps.link.interrogate());
    let outcome: BolusResult['outcome'];
    let mismatches: NamedMessage[];
    if (!readBack.ok) {
      outcome = 'unconfirmed';
      mismatches = [namedWithCause('readBackFailed', {}, readBack.error)];
    } else {
      // The pump names the bolus as its last transaction and still runs the program it ran.
      mismatches = compareReadBack(intent, readBack.value);
      if (readBack.value.lastTransactionId !== transactionId) outcome = sent.ok ? 'unconfirmed' : 'rejected';
      else outcome = mismatches.length === 0 ? 'confirmed' : 'unconfirmed';
    }
    const pumpDid: BolusResult['pumpDid'] =
      outcome === 'confirmed'
        ? 'started'
        : outcome === 'rejected'
          ? 'not-started'
          : readBack.ok && readBack.value.lastTransactionId === transactionId
            ? 'started'
            : 'unknown';
    problems.push(
      recordOutcome(deps, { id: sessionRow, uuid: sessionId }, { ...base, atUtc: deps.now().toISOString() }, outcome, {
        sessionId,
        transactionId,
        pumpDid,
        mismatches: mismatches.map(englishText),
        ack: sent.ok ? 'received' : sent.error.message,
      }),
    );
    const recordingProblem = problems.filter((p) => p !== undefined).join('; ');
    return ok({
      outcome,
      sessionId,
      pumpDid,
      mismatches,
      review,
      ...(recordingProblem === '' ? {} : { recordingProblem }),
    });
  } finally {
    writingSession.end(sessionId);
  }
}
