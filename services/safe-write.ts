import { randomUUID } from 'node:crypto';
import { EARLIEST_PLAUSIBLE_CLOCK } from '../core/clock';
import type { DoseCheck } from '../core/library/facts';
import type { Finding } from '../core/library/findings';
import { englishText, named, namedWithCause, said, type NamedMessage } from '../core/messages';
import type { ProgramWrite, PumpStatus } from '../core/pump';
import { appError, err, namedError, ok, type AppError, type Result } from '../core/result';
import type { AuditEntry } from '../db/audit/record';
import type { Db } from '../db/connection';
import {
  insertSession,
  lastSessionId,
  openSessions,
  sessionOutcome,
  sessionsSince,
  type SessionOutcome,
} from '../db/queries/sessions';
import type { SignedInUser } from './auth/accounts';
import { sameAsReviewed, type ProgrammingDeps, type ReviewedProgram } from './programming-request';
import { compareReadBack, deliveryBefore, pumpElapsedMs, type DeliveryBefore } from './read-back';
import { recordOutcome, retryBookkeeping, signIfDue, writingSession } from './session-outcomes';

/*
 * The one write path to the pump. A program (a dose change, a refill, a stop) and a clinician or
 * priming bolus both go through it, so each rule of a write is written once:
 *   readForWrite  — owed bookkeeping first, the pump read, no open session, still the reviewed program;
 *   safeWrite     — hard limit / reason / witness refused and recorded; the intent committed to the
 *                   audit trail with its session BEFORE anything that can change the pump is
 *                   sent; one send; read back and compared field by field; the outcome
 *                   (confirmed / rejected / UNCONFIRMED, which blocks the pump until it is read
 *                   again) recorded, bookkeeping retried.
 */

export type WriteOutcome = Exclude<SessionOutcome, 'pending'>;

/**
 * The pump read for a write: bookkeeping still owed is written first, frames from before are
 * dropped, an open (UNCONFIRMED) session of this pump refuses the write, and the pump must still run
 * the program the clinician reviewed (`changedKey` says so in the user's language).
 */
export async function readForWrite(
  deps: ProgrammingDeps,
  reviewed: ReviewedProgram | undefined,
  changedKey: 'programChangedSinceReview' | 'bolusProgramChangedSinceReview',
): Promise<Result<PumpStatus>> {
  // Every record of the write is stamped by this computer's clock, and a flex program sets the
  // pump's from it: a clock reset to 2000 or 1970 writes nothing.
  if (deps.now().getTime() < Date.parse(EARLIEST_PLAUSIBLE_CLOCK))
    return err(said('OUT_OF_RANGE', 'workstationClockImplausible', { time: deps.now().toISOString() }));
  retryBookkeeping(deps);
  deps.frames?.take(); // frames from before this session are not part of it
  // The newest session before the read: a session newer than this when the intent is recorded was
  // made by another process while this one read and reviewed (the pump is not known before the read).
  const mark = lastSessionId(deps.db);
  const read = await deps.link.interrogate();
  if (!read.ok) return read;
  const old = read.value;
  const blocked = unresolvedSession(deps.db, old.serial);
  if (blocked !== undefined) return err(blocked);
  readAt.set(old, mark);
  if (reviewed !== undefined && !sameAsReviewed(old, reviewed)) {
    return err(said('CONFLICT', changedKey, { serial: old.serial }));
  }
  return ok(old);
}

/** The pump's newest session when a status was read for a write (see `safeWrite`'s session insert). */
const readAt = new WeakMap<PumpStatus, number>();

/**
 * An earlier session on this pump whose outcome is not known (pending, or UNCONFIRMED) blocks every
 * write to it, and the previews of one, until the pump is read again; undefined when none is open.
 */
export function unresolvedSession(db: Db, serial: string): AppError | undefined {
  const blocked = openSessions(db, serial)[0];
  return blocked === undefined
    ? undefined
    : said('PROGRAMMING_BLOCKED', 'sessionUnresolved', { session: blocked.sessionUuid, serial });
}

/** Who asks for a write, who signs as witness, for which patient, and the reason given for soft findings. */
export interface WriteRequest {
  actor: SignedInUser;
  witness?: SignedInUser | undefined;
  patientId?: string | undefined;
  acknowledgement?: string | undefined;
}

export interface WritePlan<I extends ProgramWrite> {
  deps: ProgrammingDeps;
  /** The program or bolus request: who, the witness, the patient and the reason. */
  request: WriteRequest;
  action: 'pump.program' | 'pump.reservoir.update' | 'pump.bolus';
  /** The pump as `readForWrite` returned it. */
  old: PumpStatus;
  check: DoseCheck;
  /** What the write sets, as the audit trail records it. */
  newValues: Record<string, unknown>;
  /** Set when a second clinician must sign: the message that says why, when none did. */
  witnessNeeded?: 'increaseNeedsWitness' | 'changeNeedsWitness' | 'bolusNeedsWitness' | undefined;
  /** Runs once the write has passed every refusal, before its intent is recorded (a flex program sets the pump clock). */
  beforeIntent?: () => Promise<Result<null>>;
  /** The session's intent (what read-back compares with), built on the session and transaction ids. */
  intent: (ids: { sessionId: string; transactionId: string }) => I;
  /** Said when the intent cannot be recorded (and so nothing is sent). */
  notRecordedKey: 'notRecordedNotSent' | 'bolusNotRecordedNotSent';
  /** Sends the intent to the pump: the only call that may change it. */
  send: (intent: I) => Promise<Result<unknown>>;
  /** More of the outcome record (first, after the session id), from what is known once it is read back. */
  outcomeDetail?: (outcome: WriteOutcome, applied: boolean, intent: I) => Record<string, unknown>;
}

export interface WriteResult<I extends ProgramWrite> {
  outcome: WriteOutcome;
  intent: I;
  /** Field-by-field read-back differences (empty when confirmed). */
  mismatches: NamedMessage[];
  readBack: Result<PumpStatus>;
  /** The pump read back names this write as its last transaction: it acted on it (whatever the outcome). */
  applied: boolean;
  /** Set when the pump was written but the bookkeeping afterwards failed; `outcome` still says what the pump did. */
  recordingProblem?: string;
}

/**
 * Writes to the pump the safe way (see the top of this file). Answers an error only when nothing
 * was sent; once the send may have reached the pump, the answer says what the pump did.
 */
export async function safeWrite<I extends ProgramWrite>(plan: WritePlan<I>): Promise<Result<WriteResult<I>>> {
  const { deps, old, check, request } = plan;
  const atUtc = deps.now().toISOString();
  const base: Omit<AuditEntry, 'outcome'> = {
    atUtc,
    pumpTime: old.pumpTime,
    actor: request.actor.username,
    role: request.actor.role,
    witness: request.witness?.username ?? null,
    patientId: request.patientId ?? null,
    pumpSerial: old.serial,
    action: plan.action,
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
  const refusal = refusalOf(plan);
  if (refusal !== undefined) {
    try {
      deps.audit.append({
        ...base,
        old: oldValues,
        new: plan.newValues,
        acknowledgements: check.findings,
        reason: refusal.message,
        outcome: 'rejected',
      });
    } catch {
      // Nothing was sent: the refusal stands even if it cannot be recorded.
    }
    return err(refusal);
  }
  if (plan.beforeIntent !== undefined) {
    const ready = await plan.beforeIntent();
    if (!ready.ok) return ready;
  }

  const ids = { sessionId: randomUUID(), transactionId: randomUUID() };
  // The write names the pump it was reviewed for: the link sends nothing to another pump.
  const intent: I = { ...plan.intent(ids), pumpSerial: old.serial };
  let sessionRow: number | AppError;
  try {
    sessionRow = deps.db
      .transaction((): number | AppError => {
        // Checked again where it is decided: another process on this database may have opened a
        // session on this pump since the read, or written it and settled (in this process the
        // pump's lock keeps writes apart). Either way this write was reviewed on a reading that may
        // be out of date, and its history check did not see that write.
        const blocked = unresolvedSession(deps.db, old.serial);
        if (blocked !== undefined) return blocked;
        if (sessionsSince(deps.db, readAt.get(old) ?? lastSessionId(deps.db), old.serial))
          return said(
            'CONFLICT',
            plan.action === 'pump.bolus' ? 'bolusProgramChangedSinceReview' : 'programChangedSinceReview',
            { serial: old.serial },
          );
        const record = deps.audit.append({
          ...base,
          old: oldValues,
          new: { ...plan.newValues, ...ids },
          reason: request.acknowledgement ?? null,
          acknowledgements: check.verdict === 'soft' ? check.findings : null,
          outcome: 'pending',
        });
        return insertSession(deps.db, {
          sessionUuid: ids.sessionId,
          pumpSerial: old.serial,
          // When the intent is on disk (after the clock set a flex program may make first): the
          // start of the time another process gives this write before it settles it (WRITE_LEASE_MS).
          startedAt: deps.now().toISOString(),
          actor: request.actor.username,
          witness: request.witness?.username ?? null,
          // With the transaction the pump named as its last before this write: the one fact that
          // says, when it is read again, that this write was not applied. And, for a fill judged
          // later, the pump's clock at that reading and what was still delivering then.
          intentJson: JSON.stringify({
            ...intent,
            previousTransactionId: old.lastTransactionId,
            ...(intent.reservoirVolumeMl === undefined
              ? {}
              : { pumpTimeAtRead: old.pumpTime, deliveryBefore: deliveryBefore(deps.db, old, deps.now()) }),
          }),
          intentAuditSeq: record.seq,
        });
      })
      .immediate();
  } catch (e) {
    // No record, no write: nothing reaches the pump unless its intent is on disk first.
    return err(said('STORAGE_FAILED', plan.notRecordedKey, { detail: (e as Error).message }));
  }
  if (typeof sessionRow !== 'number') return err(sessionRow);
  // From here the write may reach the pump: this call owns the session until its outcome is
  // recorded (an interrogation meanwhile must not settle it), and no failure of bookkeeping may
  // turn the answer into "nothing was sent".
  writingSession.begin(ids.sessionId);
  try {
    // The intent is on disk; a signature that cannot be written now is retried, not a reason to stop.
    const problems = [signIfDue(deps)];
    // A write held up past its lease (a machine asleep) may have been settled by another process
    // reading the pump, which may then have written it: this one is not sent any more.
    const now = sessionOutcome(deps.db, sessionRow);
    if (now !== 'pending')
      return err(
        said('PROGRAMMING_BLOCKED', 'sessionSettledElsewhere', { session: ids.sessionId, outcome: now ?? 'removed' }),
      );
    const sendingAt = deps.now();
    const before = deliveryBefore(deps.db, old, sendingAt);
    const sent = await guarded(() => plan.send(intent));
    const readBack = await guarded(() => deps.link.interrogate());
    // By the pump's own clock from the reading before the write, when it has one: a workstation
    // clock stepped meanwhile does not widen or narrow what the pump may have delivered.
    const elapsedMs =
      pumpElapsedMs(old.pumpTime, readBack.ok ? readBack.value.pumpTime : null) ??
      Math.max(0, deps.now().getTime() - sendingAt.getTime());
    const { outcome, applied, mismatches } = judge(intent, old, sent, readBack, elapsedMs, before);
    problems.push(
      recordOutcome(
        deps,
        { id: sessionRow, uuid: ids.sessionId },
        { ...base, atUtc: deps.now().toISOString() },
        outcome,
        {
          sessionId: ids.sessionId,
          ...plan.outcomeDetail?.(outcome, applied, intent),
          mismatches: mismatches.map(englishText),
          ack: sent.ok ? 'received' : sent.error.message,
        },
      ),
    );
    const recordingProblem = problems.filter((p) => p !== undefined).join('; ');
    return ok({
      outcome,
      intent,
      mismatches,
      readBack,
      applied,
      ...(recordingProblem === '' ? {} : { recordingProblem }),
    });
  } finally {
    writingSession.end(ids.sessionId);
  }
}

/**
 * What the read-back says the pump did with a write. Confirmed: the pump names the write as its
 * last transaction and runs exactly what was sent. Rejected only when that is known: the link
 * refused to send it to another pump than the one reviewed, or the send failed and the pump still
 * names the transaction it named before the write. Anything else — no read-back, another pump
 * answering, a failed send with the pump naming a third transaction, an acknowledged send the pump
 * does not name, a program that differs — is UNCONFIRMED.
 */
export function judge(
  intent: ProgramWrite,
  old: PumpStatus,
  sent: Result<unknown>,
  readBack: Result<PumpStatus>,
  elapsedMs = 0,
  before?: DeliveryBefore,
): { outcome: WriteOutcome; applied: boolean; mismatches: NamedMessage[] } {
  // The wand found another pump before anything was sent (drivers/wand-link.ts: otherPump).
  if (!sent.ok && sent.error.key === 'writeOtherPump') {
    const found = String(sent.error.params?.['found'] ?? '—');
    return {
      outcome: 'rejected',
      applied: false,
      mismatches: [named('writeOtherPump', { found, serial: old.serial })],
    };
  }
  const sentOk = sent.ok;
  if (!readBack.ok) {
    return {
      outcome: 'unconfirmed',
      applied: false,
      mismatches: [namedWithCause('readBackFailed', {}, readBack.error)],
    };
  }
  const status = readBack.value;
  if (status.serial !== old.serial) {
    // The wand found another pump: nothing it reports says what this pump did.
    return {
      outcome: 'unconfirmed',
      applied: false,
      mismatches: [named('readBackOtherPump', { read: status.serial, serial: old.serial })],
    };
  }
  const applied = status.lastTransactionId === intent.transactionId;
  const mismatches = compareReadBack(intent, status, elapsedMs, before);
  if (applied) return { outcome: mismatches.length === 0 ? 'confirmed' : 'unconfirmed', applied, mismatches };
  const notApplied = !sentOk && status.lastTransactionId === old.lastTransactionId;
  return { outcome: notApplied ? 'rejected' : 'unconfirmed', applied, mismatches };
}

/** Why a reviewed write may not be sent: a hard limit, soft findings without a reason, a witness missing. */
function refusalOf(plan: Pick<WritePlan<ProgramWrite>, 'check' | 'request' | 'witnessNeeded'>): AppError | undefined {
  const { check, request } = plan;
  if (check.verdict === 'hard') return hardLimitError(check.findings);
  if (check.verdict === 'soft' && (request.acknowledgement ?? '').trim().length < 3)
    return said('ACKNOWLEDGEMENT_REQUIRED', 'softLimitsNeedReason', {});
  if (plan.witnessNeeded !== undefined && request.witness === undefined)
    return said('WITNESS_REQUIRED', plan.witnessNeeded, {});
  return undefined;
}

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
