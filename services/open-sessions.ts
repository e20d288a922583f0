import { englishText } from '../core/messages';
import type { ProgramWrite, PumpStatus } from '../core/pump';
import { ok, type Result } from '../core/result';
import { openSessions } from '../db/queries/sessions';
import { authorize, type SignedInUser } from './auth/accounts';
import type { ProgrammingDeps } from './programming-request';
import { compareReadBack } from './read-back';
import { withPumpLock } from './pump-lock';
import { isBeingWritten, recordOutcome, retryBookkeeping, type OutcomeDeps } from './session-outcomes';

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
  // A write in progress on this wand finishes (and settles its own session) first.
  return withPumpLock(deps.link, async () => {
    const status = await deps.link.interrogate();
    if (!status.ok) return status;
    return ok(settleOpenSessions(deps, status.value, { username: actor.username, role: actor.role }));
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
 * - It names a third transaction (another programmer wrote to it since): whether this write was
 *   applied cannot be told from the pump's status, so the session stays UNCONFIRMED and the pump
 *   stays blocked until the pump is asked about that transaction (`docs/audit.md`, "Open sessions").
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
    if (isBeingWritten(session.sessionUuid)) continue;
    const write = JSON.parse(session.intentJson) as ProgramWrite & {
      bolus?: unknown;
      previousTransactionId?: string | null;
    };
    const applied = status.lastTransactionId === write.transactionId;
    // Sessions recorded before the previous transaction was kept with the intent: not applied is rejected.
    const notApplied =
      !applied &&
      (write.previousTransactionId === undefined || status.lastTransactionId === write.previousTransactionId);
    if (!applied && !notApplied) continue;
    // Read later, the reservoir has drained and a bridge may have ended: the program fields say what changed since.
    const changedSince = applied
      ? compareReadBack({ ...write, reservoirVolumeMl: undefined, bridge: undefined }, status)
      : [];
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
        ...(changedSince.length === 0 ? {} : { changedSince: changedSince.map(englishText) }),
      },
    );
    resolved.push({ sessionId: session.sessionUuid, outcome });
  }
  return resolved;
}
