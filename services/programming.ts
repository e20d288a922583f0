import { randomUUID } from 'node:crypto';
import type { Finding } from '../core/library/findings';
import { reviewProgram } from './program-review';
import { compareReadBack } from './read-back';
import { defaultPumpModel } from '../core/models';
import type { ProgramWrite, PumpSettings, PumpStatus } from '../core/pump';
import { appError, err, namedError, ok, type AppError, type Result } from '../core/result';
import { insertSession, openSessions } from '../db/queries/sessions';
import { authorize, type SignedInUser } from './auth/accounts';
import { siteSettings, workstationTimeZone } from './auth/settings';
import { clockDriftSeconds, setPumpClock } from './pump-maintenance';
import { utcOffsetMinutes } from '../core/clock';
import { reviewContext } from './safety-context';
import { englishText, namedWithCause, said, saidWithCause, type NamedMessage } from '../core/messages';
import { recordOutcome, retryBookkeeping, signIfDue, writingSession } from './session-outcomes';
import { sameAsReviewed, type ProgramRequest, type ProgramResult, type ProgrammingDeps } from './programming-request';

/**
 * Programs the pump the safe way: permission and library check → the intent committed to the
 * audit trail → one atomic write with a session and transaction id → read back and compare field
 * by field → the outcome recorded. An outcome that cannot be confirmed is UNCONFIRMED and blocks
 * further programming of that pump until `resolveUnconfirmed` settles it.
 */
export async function programPump(deps: ProgrammingDeps, request: ProgramRequest): Promise<Result<ProgramResult>> {
  const action = request.action ?? 'pump.program';
  const allowed = authorize(request.actor, action === 'pump.program' ? 'pump.program' : 'pump.reservoir.update');
  if (!allowed.ok) return allowed;
  const model = deps.model ?? defaultPumpModel();
  retryBookkeeping(deps);

  deps.frames?.take(); // frames from before this session are not part of it
  const current = await deps.link.interrogate();
  if (!current.ok) return current;
  const old = current.value;
  const blocked = openSessions(deps.db, old.serial);
  if (blocked.length > 0) {
    return err(
      said('PROGRAMMING_BLOCKED', 'sessionUnresolved', { session: blocked[0]?.sessionUuid ?? '', serial: old.serial }),
    );
  }
  const s = normalised(request.settings);
  if (request.reviewed !== undefined && !sameAsReviewed(old, request.reviewed)) {
    return err(said('CONFLICT', 'programChangedSinceReview', { serial: old.serial }));
  }
  // Everything that is sent is validated: the infusion and the patient bolus settings.
  const context = reviewContext(
    { db: deps.db, now: deps.now, timeZone: deps.timeZone ?? workstationTimeZone(), link: deps.link },
    deps.library,
    model,
    old.serial,
  );
  const review = reviewProgram(deps.library, model, old, s, context, { bridged: request.bridge !== undefined });
  if (!review.ok) return review;
  const check = { value: review.value.check };
  const newDose = review.value.newDailyDose;
  const increase = review.value.increase;

  const atUtc = deps.now().toISOString();
  const base = {
    atUtc,
    pumpTime: old.pumpTime,
    actor: request.actor.username,
    role: request.actor.role,
    witness: request.witness?.username ?? null,
    patientId: request.patientId ?? null,
    pumpSerial: old.serial,
    action,
    libraryVersion: `${check.value.library.version}:${check.value.library.hash}`,
  };
  const oldValues = {
    drug: old.drug,
    concentration: old.concentration,
    mode: old.mode,
    rate: old.rate,
    dailyDose: old.dailyDose,
    reservoirVolume: old.reservoirVolume,
  };
  const newValues = {
    ...s,
    dailyDose: newDose,
    ...(request.reservoirVolumeMl === undefined
      ? {}
      : { reservoirVolume: { value: request.reservoirVolumeMl, unit: 'mL' } }),
    ...(request.bridge === undefined ? {} : { bridge: request.bridge }),
  };
  const refuse = (error: AppError) => {
    deps.audit.append({
      ...base,
      old: oldValues,
      new: newValues,
      acknowledgements: check.value.findings,
      reason: error.message,
      outcome: 'rejected',
    });
    return err(error);
  };
  if (check.value.verdict === 'hard') return refuse(hardLimitError(check.value.findings));
  if (check.value.verdict === 'soft' && (request.acknowledgement ?? '').trim().length < 3)
    return refuse(said('ACKNOWLEDGEMENT_REQUIRED', 'softLimitsNeedReason', {}));
  if ((increase || request.requireWitness === true) && request.witness === undefined)
    return refuse(said('WITNESS_REQUIRED', increase ? 'increaseNeedsWitness' : 'changeNeedsWitness', {}));
  // Flex steps run by the pump's clock plus its UTC offset: a pump that is not on the clinic's
  // time is set first (its own audited write), so each step runs at the hour it was written for.
  const clock = await clockForFlex(deps, request.actor, old, s);
  if (!clock.ok) return clock;

  const sessionId = randomUUID();
  const write: ProgramWrite = {
    sessionId,
    transactionId: randomUUID(),
    settings: s,
    reservoirVolumeMl: request.reservoirVolumeMl,
    bridge: request.bridge,
  };
  let sessionRow: number;
  try {
    sessionRow = deps.db
      .transaction(() => {
        const intent = deps.audit.append({
          ...base,
          old: oldValues,
          new: { ...newValues, sessionId, transactionId: write.transactionId },
          reason: request.acknowledgement ?? null,
          acknowledgements: check.value.verdict === 'soft' ? check.value.findings : null,
          outcome: 'pending',
        });
        return insertSession(deps.db, {
          sessionUuid: sessionId,
          pumpSerial: old.serial,
          startedAt: atUtc,
          actor: request.actor.username,
          witness: request.witness?.username ?? null,
          intentJson: JSON.stringify(write),
          intentAuditSeq: intent.seq,
        });
      })
      .immediate();
  } catch (e) {
    // No record, no write: nothing reaches the pump unless its intent is on disk first.
    return err(said('STORAGE_FAILED', 'notRecordedNotSent', { detail: (e as Error).message }));
  }
  // From here the write may reach the pump: this call owns the session until its outcome is
  // recorded (an interrogation meanwhile must not settle it), and no failure of bookkeeping may
  // turn the answer into "nothing was sent".
  writingSession.begin(sessionId);
  try {
    // The intent is on disk; a signature that cannot be written now is retried, not a reason to stop.
    const problems = [signIfDue(deps)];
    const sent = await guarded(() => deps.link.program(write));
    const readBack = await guarded(() => deps.link.interrogate());
    let outcome: ProgramResult['outcome'];
    let mismatches: NamedMessage[];
    if (!readBack.ok) {
      outcome = 'unconfirmed';
      mismatches = [namedWithCause('readBackFailed', {}, readBack.error)];
    } else if (readBack.value.lastTransactionId !== write.transactionId) {
      // The pump did not apply this write: its old program still runs.
      outcome = sent.ok ? 'unconfirmed' : 'rejected';
      mismatches = compareReadBack(write, readBack.value);
    } else {
      mismatches = compareReadBack(write, readBack.value);
      outcome = mismatches.length === 0 ? 'confirmed' : 'unconfirmed';
    }
    problems.push(
      recordOutcome(deps, { id: sessionRow, uuid: sessionId }, { ...base, atUtc: deps.now().toISOString() }, outcome, {
        sessionId,
        mismatches: mismatches.map(englishText),
        ack: sent.ok ? 'received' : sent.error.message,
      }),
    );
    const recordingProblem = problems.filter((p) => p !== undefined).join('; ');
    return ok({
      outcome,
      sessionId,
      check: check.value,
      mismatches,
      ...(readBack.ok ? { status: readBack.value } : {}),
      ...(recordingProblem === '' ? {} : { recordingProblem }),
    });
  } finally {
    writingSession.end(sessionId);
  }
}

/** A pump clock this far from the computer's is set before a flex program (flex steps are whole minutes). */
const FLEX_CLOCK_TOLERANCE_SECONDS = 60;

/** Sets the pump's clock and UTC offset to the clinic's before a flex program, when they differ. */
async function clockForFlex(
  deps: ProgrammingDeps,
  actor: SignedInUser,
  old: PumpStatus,
  s: PumpSettings,
): Promise<Result<null>> {
  if (s.mode !== 'flex' || deps.link.setClock === undefined) return ok(null);
  const offset = utcOffsetMinutes(deps.now(), siteSettings(deps.db).timeZone);
  const drift = Math.abs(clockDriftSeconds(old.pumpTime, deps.now()));
  if ((old.utcOffsetMinutes ?? 0) === offset && drift <= FLEX_CLOCK_TOLERANCE_SECONDS) return ok(null);
  const set = await setPumpClock(deps, actor);
  if (!set.ok) {
    return err(saidWithCause(set.error.code, 'clockNotSetNotSent', {}, set.error, 'clock'));
  }
  return ok(null);
}

/** A stopped pump delivers nothing: whatever rate came with a stop is recorded and sent as 0. */
const normalised = (settings: PumpSettings): PumpSettings => {
  if (settings.mode !== 'stopped') return settings;
  // A stop delivers nothing, patient boluses included (the patient remote is refused until a restart).
  return {
    drug: settings.drug,
    concentration: settings.concentration,
    mode: 'stopped',
    rate: { ...settings.rate, value: '0' },
  };
};

/** A link that throws instead of answering is a failed exchange, never "nothing was sent". */
export async function guarded<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch (e) {
    return err(said('COMMUNICATION_FAILED', 'wandFailedDuringExchange', { detail: (e as Error).message }));
  }
}

/**
 * A refusal at the drug library's hard limit: every hard finding in the English text, the first by
 * its code and values (`finding.CODE`) for the UI to say in the user's language.
 */
export function hardLimitError(findings: readonly Finding[], field?: string): AppError {
  const hard = findings.filter((f) => f.level === 'hard');
  const message = hard.map((f) => f.message).join('; ');
  const first = hard[0];
  return first === undefined
    ? appError('HARD_LIMIT', message, field)
    : namedError('HARD_LIMIT', `finding.${first.code}`, { ...first.params, level: 'hard' }, message, field);
}
