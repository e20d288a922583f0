import { englishOf } from '../core/messages';
import type { AuditLog } from '../db/audit/log';
import type { AuditEntry } from '../db/audit/record';
import { openSessions, setSessionOutcome, type SessionOutcome } from '../db/queries/sessions';
import { insertFrame } from '../db/queries/clinical';
import type { ProgrammingDeps } from './programming-request';

/** Sessions a live `safeWrite` call (a program or a clinician bolus) is writing, by session id: from its intent to its outcome, only that call settles them. */
const writing = new Set<string>();
/** True while a live write owns the session: only that call settles it. */
export const isBeingWritten = (sessionId: string): boolean => writing.has(sessionId);
/** A write (services/safe-write.ts) owns its session from its intent to its outcome. */
export const writingSession = {
  begin: (sessionId: string): void => void writing.add(sessionId),
  end: (sessionId: string): void => void writing.delete(sessionId),
};

export type OutcomeDeps = Pick<ProgrammingDeps, 'db' | 'audit' | 'frames'>;
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
  /** Set when the last try was refused by the audit trail itself (no key, or the trail changed since it was signed). */
  refusal?: AuditLog['signingRefusal'];
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
        backlog.refusal = deps.audit.signingRefusal;
        return false;
      }
    } else deps.audit.checkpointIfDue();
    backlog.signatureOwed = false;
    backlog.problem = undefined;
    backlog.refusal = undefined;
  } catch (e) {
    backlog.signatureOwed = true;
    backlog.problem = message(e);
    backlog.refusal = undefined;
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
  const backlog = (problem: string, refusal?: Backlog['refusal']): string => {
    const b = backlogOf(deps);
    b.signatureOwed = true;
    b.problem = problem;
    b.refusal = refusal;
    scheduleRetry(b);
    return problem;
  };
  try {
    const signed = deps.audit.checkpoint();
    // Refused (the trail changed since it was signed, or its key is not here): alarmed, never signed over.
    if (signed === undefined)
      return backlog(`${owed}: ${deps.audit.signingProblem ?? 'not signed'}`, deps.audit.signingRefusal);
    const still = deps.audit.signatureOwed();
    return still === undefined ? undefined : backlog(still);
  } catch (e) {
    return backlog(`${owed}: ${message(e)}`);
  }
}

/** One thing the trail still owes, as a named message (core/message-table.ts) the UI says in the user's language. */
export interface BookkeepingMessage {
  key: 'bookkeepingOutcomeNotRecorded' | 'bookkeepingNotSigned' | 'bookkeepingTrailChanged' | 'bookkeepingNoKey';
  /** `detail` is the cause as the system gave it (e.g. "EROFS: read-only file system"), shown as it is. */
  params: Record<string, string>;
}

/** What this trail still owes (an outcome not yet on disk, a signature not yet made), for the alarm; undefined when nothing. */
export function bookkeepingMessages(audit: AuditLog): BookkeepingMessage[] | undefined {
  const backlog = backlogs.get(audit);
  if (backlog === undefined || (backlog.outcomes.length === 0 && !backlog.signatureOwed)) return undefined;
  const outcomes = backlog.outcomes.map((o): BookkeepingMessage => ({
    key: 'bookkeepingOutcomeNotRecorded',
    params: { session: o.session.uuid, detail: o.error },
  }));
  const detail = backlog.problem ?? 'retrying';
  const signature: BookkeepingMessage[] = !backlog.signatureOwed
    ? []
    : backlog.refusal === 'trailChanged'
      ? [{ key: 'bookkeepingTrailChanged', params: { detail } }]
      : backlog.refusal === 'noKey'
        ? [{ key: 'bookkeepingNoKey', params: { detail } }]
        : [{ key: 'bookkeepingNotSigned', params: { detail } }];
  return [...outcomes, ...signature];
}

/** The same in English (logs, the CLI, support). */
export function bookkeepingProblem(audit: AuditLog): string | undefined {
  return bookkeepingMessages(audit)
    ?.map((m) => englishOf(m.key, m.params as never))
    .join('; ');
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
