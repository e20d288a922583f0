import { englishText } from '../core/messages';
import type { ProgramWrite, PumpStatus } from '../core/pump';
import { ok, type Result } from '../core/result';
import { openSessions, type SessionRow } from '../db/queries/sessions';
import { authorize, type SignedInUser } from './auth/accounts';
import type { ProgrammingDeps } from './programming-request';
import { compareReadBack, pumpElapsedMs, type DeliveryBefore } from './read-back';
import { withPumpLock } from './pump-lock';
import { isBeingWritten, recordOutcome, retryBookkeeping, type OutcomeDeps } from './session-outcomes';

type Settled = { sessionId: string; outcome: 'confirmed' | 'rejected' };
type Actor = { username: string; role: string | null };
type SessionWrite = ProgramWrite & {
  bolus?: unknown;
  previousTransactionId?: string | null;
  /** For a fill: the pump's clock at the reading before the write, and what was delivering then. */
  pumpTimeAtRead?: string | null;
  deliveryBefore?: DeliveryBefore;
};

/**
 * Settles every pending or UNCONFIRMED session of the pump by reading it again (and, where its
 * status cannot tell, asking it about the session's transaction): each is confirmed or rejected.
 */
export async function resolveUnconfirmed(deps: ProgrammingDeps, actor: SignedInUser): Promise<Result<Settled[]>> {
  const allowed = authorize(actor, 'session.resolve');
  if (!allowed.ok) return allowed;
  // A write in progress on this wand finishes (and settles its own session) first.
  return withPumpLock(deps.link, async () => {
    const status = await deps.link.interrogate();
    if (!status.ok) return status;
    const who = { username: actor.username, role: actor.role };
    const settled = settleOpenSessions(deps, status.value, who);
    const asked = await askAboutOpenSessions(deps, status.value, who);
    return asked.ok ? ok([...settled, ...asked.value]) : asked;
  });
}

/**
 * Settles the pending or UNCONFIRMED sessions of the pump that was just read: its last applied
 * transaction says whether each write took effect. Every interrogation does this, so an
 * interruption is resolved the moment the pump is read again.
 *
 * - The pump names the session's transaction: it applied the write — confirmed, and counted in the
 *   dose history, even when its program has changed since (an alarm stop, a bridge that ended);
 *   what differs now is recorded with it (`changedSince`).
 * - The pump still names the transaction it named just before the write: not applied — rejected.
 * - It names a third transaction (another programmer wrote to it since): its status cannot tell;
 *   the session stays open for `askAboutOpenSessions`.
 */
export function settleOpenSessions(
  deps: OutcomeDeps & { now: () => Date },
  status: PumpStatus,
  actor: Actor,
): Settled[] {
  retryBookkeeping(deps);
  const resolved: Settled[] = [];
  for (const { session, write } of sessionsToSettle(deps, status.serial)) {
    const applied = status.lastTransactionId === write.transactionId;
    // Not applied: the pump still names the transaction from before the write (a session recorded
    // before that was kept with its intent is asked about instead), and no other process may still
    // be writing it.
    const notApplied =
      !applied &&
      write.previousTransactionId !== undefined &&
      status.lastTransactionId === write.previousTransactionId &&
      !mayStillBeWritten(session, deps.now());
    if (!applied && !notApplied) continue;
    resolved.push(record(deps, status, actor, session, write, applied, {}));
  }
  return resolved;
}

/**
 * The sessions of the pump still open after its status was read (its last transaction is a third
 * one): the pump is asked about each session's transaction, which it answers from its replay window
 * without changing anything (docs/wand-protocol.md, "Asking about a transaction"). Holds the pump's
 * lock while asking. With a link that cannot ask, the sessions stay open.
 */
export async function askAboutOpenSessions(
  deps: Pick<ProgrammingDeps, 'db' | 'audit' | 'frames' | 'link' | 'now'>,
  status: PumpStatus,
  actor: Actor,
): Promise<Result<Settled[]>> {
  const ask = deps.link.wasApplied?.bind(deps.link);
  const toAsk = () =>
    sessionsToSettle(deps, status.serial).filter(({ session }) => !mayStillBeWritten(session, deps.now()));
  if (ask === undefined || toAsk().length === 0) return ok([]);
  return withPumpLock(deps.link, async () => {
    const resolved: Settled[] = [];
    for (const { session, write } of toAsk()) {
      const answer = await ask(write.transactionId, status.serial);
      if (!answer.ok) return answer;
      resolved.push(record(deps, status, actor, session, write, answer.value, { askedPump: true }));
    }
    return ok(resolved);
  });
}

/**
 * How long a pending session may still be in another process's hands: from its intent to its
 * outcome, a write takes its read, one send and one read-back, each bounded by the driver and the
 * link worker (15 s per request). Until then only the pump naming it settles it; another process's
 * read must not record "not applied" for a write whose COMMIT may still be on its way.
 */
export const WRITE_LEASE_MS = 120_000;
const mayStillBeWritten = (session: SessionRow, now: Date): boolean => {
  if (session.outcome !== 'pending') return false;
  const age = now.getTime() - Date.parse(session.startedAt);
  // A start in the future (a writer whose clock ran ahead) does not hold the pump beyond the lease.
  return age >= 0 && age < WRITE_LEASE_MS;
};

/** The open sessions of a pump that no live write owns, with their intents. */
const sessionsToSettle = (deps: Pick<OutcomeDeps, 'db'>, serial: string) =>
  openSessions(deps.db, serial)
    // A session whose write is still in progress belongs to that request: its read-back decides.
    .filter((session) => !isBeingWritten(session.sessionUuid))
    .map((session) => ({ session, write: JSON.parse(session.intentJson) as SessionWrite }));

/**
 * A fill the pump did not set as sent, seen when a refill's session is settled later: while the
 * pump still names that write as its last, its reservoir can be no lower than the fill less what it
 * can have delivered since the reading before the write (by the pump's clock; else since the
 * session began), and never higher. The transaction was applied, so the session is confirmed; the record says the
 * reservoir is not what was sent.
 */
function reservoirNotAsSent(write: SessionWrite, status: PumpStatus, session: SessionRow, now: Date) {
  if (write.reservoirVolumeMl === undefined || status.lastTransactionId !== write.transactionId) return undefined;
  // By the pump's own clock where it has one (a workstation clock off at the write or since does
  // not move it); else from the session's start on the workstation's.
  const since =
    pumpElapsedMs(write.pumpTimeAtRead, status.pumpTime) ?? Math.max(0, now.getTime() - Date.parse(session.startedAt));
  return compareReadBack(write, status, since, write.deliveryBefore).find((m) => m.key === 'readBackReservoir');
}

/** Records a session's outcome as the pump told it: applied is confirmed, with what has changed since. */
function record(
  deps: OutcomeDeps & { now: () => Date },
  status: PumpStatus,
  actor: Actor,
  session: SessionRow,
  write: SessionWrite,
  applied: boolean,
  more: Record<string, unknown>,
): Settled {
  // Read later, the reservoir has drained and a bridge may have ended: the program fields say what changed since.
  const changedSince = applied
    ? compareReadBack({ ...write, reservoirVolumeMl: undefined, bridge: undefined }, status).filter(
        (m) => m.key !== 'readBackTransaction',
      )
    : [];
  const reservoir = applied ? reservoirNotAsSent(write, status, session, deps.now()) : undefined;
  if (reservoir !== undefined) changedSince.push(reservoir);
  const outcome = applied ? 'confirmed' : 'rejected';
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
    {
      sessionId: session.sessionUuid,
      applied,
      lastTransactionId: status.lastTransactionId,
      ...more,
      ...(changedSince.length === 0 ? {} : { changedSince: changedSince.map(englishText) }),
      ...(reservoir === undefined ? {} : { reservoirNotAsSent: true }),
    },
  );
  return { sessionId: session.sessionUuid, outcome };
}
