import { randomUUID } from 'node:crypto';
import { dec } from '../core/decimal';
import type { DrugLibrary } from '../core/library/schema';
import type { DoseCheck } from '../core/library/facts';
import type { Finding } from '../core/library/findings';
import { reviewProgram } from './program-review';
import { compareReadBack } from './read-back';
import { defaultPumpModel, type PumpModel } from '../core/models';
import type { ProgramWrite, PumpSettings, PumpStatus } from '../core/pump';
import { appError, err, namedError, ok, type AppError, type Result } from '../core/result';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import type { AuditEntry } from '../db/audit/record';
import { insertSession, openSessions, setSessionOutcome, type SessionOutcome } from '../db/queries/sessions';
import type { PumpLink } from '../drivers/link';
import type { FrameLog } from '../drivers/frame-log';
import { insertFrame } from '../db/queries/clinical';
import { authorize, type SignedInUser } from './auth/accounts';
import { siteSettings, workstationTimeZone } from './auth/settings';
import { clockDriftSeconds, setPumpClock } from './pump-maintenance';
import { utcOffsetMinutes } from '../core/clock';
import { reviewContext } from './safety-context';
import { said } from '../core/messages';

export interface ProgrammingDeps {
  db: Db;
  audit: AuditLog;
  link: PumpLink;
  library: DrugLibrary;
  model?: PumpModel;
  now: () => Date;
  /** Where the link records its frames; stored with each session for support and replay. */
  frames?: FrameLog;
  /** The clinic's time zone (calendar dates, tolerance); the workstation's when not given. */
  timeZone?: string;
  /** Days before the forecast alarm a refill is planned (site setting). */
  marginDays?: number;
}

export interface ProgramRequest {
  actor: SignedInUser;
  witness?: SignedInUser | undefined;
  patientId?: string | undefined;
  settings: PumpSettings;
  /** The reason given when acknowledging soft limits. */
  acknowledgement?: string | undefined;
  /** After a refill: the new reservoir volume, applied in the same write. */
  reservoirVolumeMl?: string | undefined;
  action?: 'pump.program' | 'pump.reservoir.update';
  /** The old program shown on the Finish screen; the write is refused if the pump runs another. */
  reviewed?: ReviewedProgram | undefined;
  /** A concentration change: the forced bridge bolus, committed with the new program. */
  bridge?: { volumeMl: string; durationMinutes: number } | undefined;
  /** A second clinician must sign whatever the direction of the change (concentration change, refill). */
  requireWitness?: boolean | undefined;
}

/** What the clinician saw as the old program on the Finish screen. */
export interface ReviewedProgram {
  mode: string;
  rate: string;
  drug: string;
  concentration: string;
  lastTransactionId: string | null;
}

export const reviewedOf = (status: PumpStatus): ReviewedProgram => ({
  mode: status.mode,
  rate: status.rate.value,
  drug: status.drug,
  concentration: `${status.concentration.value} ${status.concentration.unit}`,
  lastTransactionId: status.lastTransactionId,
});

const sameAsReviewed = (status: PumpStatus, reviewed: ReviewedProgram): boolean => {
  const now = reviewedOf(status);
  return (
    now.mode === reviewed.mode &&
    dec(now.rate).eq(reviewed.rate) &&
    now.drug === reviewed.drug &&
    now.concentration === reviewed.concentration &&
    now.lastTransactionId === reviewed.lastTransactionId
  );
};

export interface ProgramResult {
  outcome: Exclude<SessionOutcome, 'pending'>;
  sessionId: string;
  check: DoseCheck;
  /** Field-by-field read-back differences (empty when confirmed). */
  mismatches: string[];
  status?: PumpStatus;
  /**
   * Set when the pump was written but the bookkeeping afterwards failed (the outcome record, a
   * signed checkpoint, the head file): `outcome` still says what the pump did; the failure is
   * recorded as soon as storage allows and retried, and the session stays open until its outcome
   * is on disk.
   */
  recordingProblem?: string;
}

export { compareReadBack } from './read-back';

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
  writing.add(sessionId);
  try {
    // The intent is on disk; a signature that cannot be written now is retried, not a reason to stop.
    const problems = [signIfDue(deps)];
    const sent = await guarded(() => deps.link.program(write));
    const readBack = await guarded(() => deps.link.interrogate());
    let outcome: ProgramResult['outcome'];
    let mismatches: string[];
    if (!readBack.ok) {
      outcome = 'unconfirmed';
      mismatches = [`read-back failed: ${readBack.error.message}`];
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
        mismatches,
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
    writing.delete(sessionId);
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
    return err(said(set.error.code, 'clockNotSetNotSent', { detail: set.error.message }, 'clock'));
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

/** Sessions a live `programPump` call is writing, by session id: from its intent to its outcome, only that call settles them. */
const writing = new Set<string>();
/** Another write path (a clinician bolus) owns its session the same way, from its intent to its outcome. */
export const writingSession = {
  begin: (sessionId: string): void => void writing.add(sessionId),
  end: (sessionId: string): void => void writing.delete(sessionId),
};

type OutcomeDeps = Pick<ProgrammingDeps, 'db' | 'audit' | 'frames'>;
type Frame = ReturnType<NonNullable<ProgrammingDeps['frames']>['take']>[number];

/** An outcome that could not be written when it was known, kept until it is. */
interface LateOutcome {
  session: { id: number; uuid: string };
  base: Omit<AuditEntry, 'outcome'>;
  outcome: Exclude<SessionOutcome, 'pending'>;
  detail: Record<string, unknown>;
  frames: Frame[];
  failedAt: string;
  error: string;
}

/** Per audit trail: outcomes not yet on disk, whether a signature is owed, and the retry timer. */
interface Backlog {
  deps: OutcomeDeps;
  outcomes: LateOutcome[];
  signatureOwed: boolean;
  timer: NodeJS.Timeout | undefined;
  delayMs: number;
  /** Why the owed signature failed, for the alarm. */
  problem?: string | undefined;
}
const backlogs = new WeakMap<AuditLog, Backlog>();
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

const backlogOf = (deps: OutcomeDeps): Backlog => {
  let b = backlogs.get(deps.audit);
  if (b === undefined) {
    b = { deps, outcomes: [], signatureOwed: false, timer: undefined, delayMs: RETRY_FIRST_MS };
    backlogs.set(deps.audit, b);
  }
  return b;
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function writeOutcome(
  deps: OutcomeDeps,
  sessionRowId: number,
  frames: Frame[],
  base: Omit<AuditEntry, 'outcome'>,
  outcome: Exclude<SessionOutcome, 'pending'>,
  detail: unknown,
): void {
  for (const f of frames) insertFrame(deps.db, { sessionId: sessionRowId, ...f });
  const rec = deps.audit.append({ ...base, action: `${base.action}.outcome`, new: detail, outcome });
  setSessionOutcome(deps.db, sessionRowId, outcome, base.atUtc, rec.seq);
}

/**
 * Records a session's outcome with its frames, in one transaction, then signs if a checkpoint is
 * due. Never throws: an outcome that cannot be written (a full disk) stays open in the database
 * and is retried; a signature that cannot be written is recorded and retried. Returns what failed.
 */
export function recordOutcome(
  deps: OutcomeDeps,
  session: { id: number; uuid: string },
  base: Omit<AuditEntry, 'outcome'>,
  outcome: Exclude<SessionOutcome, 'pending'>,
  detail: Record<string, unknown>,
): string | undefined {
  const frames = deps.frames?.take() ?? [];
  try {
    deps.db.transaction(() => writeOutcome(deps, session.id, frames, base, outcome, detail)).immediate();
  } catch (e) {
    const backlog = backlogOf(deps);
    if (!backlog.outcomes.some((o) => o.session.id === session.id)) {
      backlog.outcomes.push({
        session,
        base,
        outcome,
        detail,
        frames,
        failedAt: new Date().toISOString(),
        error: message(e),
      });
    }
    scheduleRetry(backlog);
    return `the outcome could not be recorded (${message(e)}): the session stays open until it is; recording is retried`;
  }
  return signIfDue(deps);
}

/** Signs a due checkpoint; a signature that cannot be written is recorded in the trail and retried. */
export function signIfDue(deps: OutcomeDeps): string | undefined {
  try {
    deps.audit.checkpointIfDue();
    return undefined;
  } catch (e) {
    return signingFailed(deps, e);
  }
}

/**
 * A signature that could not be made after its records committed (a full or read-only key
 * folder): recorded in the trail (audit.checkpointFailed), alarmed (app:info) and retried.
 * Never throws; returns what failed. Hosts pass it to the AuditLog (onSigningFailure), so no
 * action that appends (a sign-out, a lock) fails or loses the debt when its signature does.
 */
export function signingFailed(deps: OutcomeDeps, e: unknown): string {
  const backlog = backlogOf(deps);
  backlog.signatureOwed = true;
  backlog.problem = message(e);
  const problem = `the audit trail could not be signed (${message(e)}): signing is retried`;
  try {
    deps.db
      .transaction(() =>
        deps.audit.append({
          atUtc: new Date().toISOString(),
          actor: 'system',
          action: 'audit.checkpointFailed',
          new: { error: message(e) },
          outcome: 'rejected',
        }),
      )
      .immediate();
  } catch {
    // The database cannot be written either: the retry records it.
  }
  scheduleRetry(backlog);
  return problem;
}

function scheduleRetry(backlog: Backlog): void {
  if (backlog.timer !== undefined) return;
  backlog.timer = setTimeout(() => {
    backlog.timer = undefined;
    if (!retryBacklog(backlog)) {
      backlog.delayMs = Math.min(backlog.delayMs * 2, RETRY_MAX_MS);
      scheduleRetry(backlog);
    }
  }, backlog.delayMs);
  backlog.timer.unref();
}

/** Writes what is owed: late outcomes (or, for a session settled meanwhile, the failure itself), then the signature. True when nothing is left. */
function retryBacklog(backlog: Backlog): boolean {
  const { deps } = backlog;
  while (backlog.outcomes.length > 0) {
    const late = backlog.outcomes[0];
    if (late === undefined) break;
    try {
      deps.db
        .transaction(() => {
          const stillOpen = openSessions(deps.db, late.base.pumpSerial ?? '').some((s) => s.id === late.session.id);
          const failure = { failedAt: late.failedAt, error: late.error };
          if (stillOpen) {
            writeOutcome(deps, late.session.id, late.frames, late.base, late.outcome, {
              ...late.detail,
              recordedLate: failure,
            });
          } else {
            // Settled meanwhile by reading the pump: what is left to record is that this outcome was not.
            deps.audit.append({
              ...late.base,
              atUtc: new Date().toISOString(),
              action: `${late.base.action}.outcomeNotRecorded`,
              new: { sessionId: late.session.uuid, outcome: late.outcome, detail: late.detail, ...failure },
              outcome: late.outcome,
            });
          }
        })
        .immediate();
    } catch {
      return false;
    }
    backlog.outcomes.shift();
  }
  try {
    if (backlog.signatureOwed) {
      // A refusal to sign (the trail changed since it was signed, a key that is not this trail's) pays nothing.
      if (deps.audit.checkpoint() === undefined) {
        backlog.problem = deps.audit.signingProblem ?? 'the audit trail could not be signed';
        return false;
      }
    } else deps.audit.checkpointIfDue();
    backlog.signatureOwed = false;
    backlog.problem = undefined;
  } catch (e) {
    backlog.signatureOwed = true;
    backlog.problem = message(e);
    return false;
  }
  backlog.delayMs = RETRY_FIRST_MS;
  return true;
}

/**
 * A signature found owed when the trail is opened (`AuditLog.signatureOwed`: it failed before a
 * restart): tried now, and if it still cannot be made, retried with the same growing delay and
 * reported by `bookkeepingProblem` until it is.
 */
export function resumeOwedSignature(deps: OutcomeDeps): string | undefined {
  const owed = deps.audit.signatureOwed();
  if (owed === undefined) return undefined;
  try {
    deps.audit.checkpoint();
    if (deps.audit.signatureOwed() === undefined) return undefined;
  } catch (e) {
    const backlog = backlogOf(deps);
    backlog.signatureOwed = true;
    backlog.problem = `${owed}: ${message(e)}`;
    scheduleRetry(backlog);
    return backlog.problem;
  }
  return owed;
}

/** What this trail still owes (an outcome not yet on disk, a signature not yet made), for the alarm; undefined when nothing. */
export function bookkeepingProblem(audit: AuditLog): string | undefined {
  const backlog = backlogs.get(audit);
  if (backlog === undefined || (backlog.outcomes.length === 0 && !backlog.signatureOwed)) return undefined;
  const outcomes = backlog.outcomes.map(
    (o) => `the outcome of session ${o.session.uuid} is not recorded yet (${o.error})`,
  );
  const signature = backlog.signatureOwed
    ? [`the audit trail is not signed yet${backlog.problem === undefined ? '' : ` (${backlog.problem})`}`]
    : [];
  return [...outcomes, ...signature].join('; ');
}

/**
 * Writes any bookkeeping still owed on this audit trail (late outcomes, a signature), at once.
 * Programming and every settling call this first; hosts call it before closing. True when
 * nothing is left owed.
 */
export function retryBookkeeping(deps: Pick<ProgrammingDeps, 'audit'>): boolean {
  const backlog = backlogs.get(deps.audit);
  if (backlog === undefined) return true;
  if (backlog.timer !== undefined) {
    clearTimeout(backlog.timer);
    backlog.timer = undefined;
  }
  const done = retryBacklog(backlog);
  if (!done) scheduleRetry(backlog);
  return done;
}

/**
 * Settles every pending or UNCONFIRMED session of the pump by re-interrogating it: the pump
 * reports the last transaction it applied, so each session is either confirmed or rejected.
 */
export async function resolveUnconfirmed(
  deps: ProgrammingDeps,
  actor: SignedInUser,
): Promise<Result<Array<{ sessionId: string; outcome: 'confirmed' | 'rejected' }>>> {
  const allowed = authorize(actor, 'session.resolve');
  if (!allowed.ok) return allowed;
  const status = await deps.link.interrogate();
  if (!status.ok) return status;
  return ok(settleOpenSessions(deps, status.value, { username: actor.username, role: actor.role }));
}

/**
 * Settles the pending or UNCONFIRMED sessions of the pump that was just read: its last applied
 * transaction says whether each write took effect. Every interrogation does this, so an
 * interruption is resolved the moment the pump is read again.
 */
export function settleOpenSessions(
  deps: OutcomeDeps & { now: () => Date },
  status: PumpStatus,
  actor: { username: string; role: string | null },
): Array<{ sessionId: string; outcome: 'confirmed' | 'rejected' }> {
  retryBookkeeping(deps);
  const resolved: Array<{ sessionId: string; outcome: 'confirmed' | 'rejected' }> = [];
  for (const session of openSessions(deps.db, status.serial)) {
    // A session whose write is still in progress belongs to that request: its read-back decides.
    if (writing.has(session.sessionUuid)) continue;
    const write = JSON.parse(session.intentJson) as ProgramWrite & { bolus?: unknown };
    const applied = status.lastTransactionId === write.transactionId;
    // Read later, the reservoir has drained and a bridge may have ended: the program fields decide.
    const mismatches = compareReadBack({ ...write, reservoirVolumeMl: undefined, bridge: undefined }, status);
    const outcome = applied && mismatches.length === 0 ? 'confirmed' : 'rejected';
    recordOutcome(
      deps,
      { id: session.id, uuid: session.sessionUuid },
      {
        atUtc: deps.now().toISOString(),
        pumpTime: status.pumpTime,
        actor: actor.username,
        role: actor.role,
        pumpSerial: status.serial,
        action: write.bolus === undefined ? 'pump.program.resolve' : 'pump.bolus.resolve',
      },
      outcome,
      { sessionId: session.sessionUuid, applied, mismatches },
    );
    resolved.push({ sessionId: session.sessionUuid, outcome });
  }
  return resolved;
}
