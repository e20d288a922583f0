import { englishText } from '../core/messages';
import type { ProgramWrite, PumpStatus } from '../core/pump';
import { ok, type Result } from '../core/result';
import { openSessions } from '../db/queries/sessions';
import { authorize, type SignedInUser } from './auth/accounts';
import type { ProgrammingDeps } from './programming-request';
import { compareReadBack } from './read-back';
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
    if (isBeingWritten(session.sessionUuid)) continue;
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
      { sessionId: session.sessionUuid, applied, mismatches: mismatches.map(englishText) },
    );
    resolved.push({ sessionId: session.sessionUuid, outcome });
  }
  return resolved;
}
