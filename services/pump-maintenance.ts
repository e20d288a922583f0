import { appError, err, ok, type Result } from '../core/result';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import type { PumpLink } from '../drivers/link';
import { authorize, type SignedInUser } from './auth/accounts';

export interface MaintenanceDeps {
  db: Db;
  audit: AuditLog;
  link: PumpLink;
  now: () => Date;
}

/** Pump clock minus computer clock, in whole seconds (pumps drift). */
export const clockDriftSeconds = (pumpTime: string, at: Date): number => Math.round((Date.parse(pumpTime) - at.getTime()) / 1000);

/**
 * Sets the pump's clock to the computer's, reads it back, and records the drift before and after
 * in the audit trail.
 */
export async function setPumpClock(deps: MaintenanceDeps, actor: SignedInUser): Promise<Result<{ driftBefore: number; driftAfter: number }>> {
  const allowed = authorize(actor, 'pump.clock.set');
  if (!allowed.ok) return allowed;
  if (deps.link.setClock === undefined) return err(appError('COMMUNICATION_FAILED', 'this link cannot set the pump clock'));
  const before = await deps.link.interrogate();
  if (!before.ok) return before;
  const driftBefore = clockDriftSeconds(before.value.pumpTime, deps.now());
  const set = await deps.link.setClock(deps.now());
  const after = await deps.link.interrogate();
  const driftAfter = after.ok ? clockDriftSeconds(after.value.pumpTime, deps.now()) : null;
  const confirmed = set.ok && driftAfter !== null && Math.abs(driftAfter) <= 2;
  deps.audit.append({
    atUtc: deps.now().toISOString(),
    pumpTime: after.ok ? after.value.pumpTime : before.value.pumpTime,
    actor: actor.username,
    role: actor.role,
    pumpSerial: before.value.serial,
    action: 'pump.clock.set',
    old: { pumpTime: before.value.pumpTime, driftSeconds: driftBefore },
    new: { driftSeconds: driftAfter },
    outcome: confirmed ? 'confirmed' : set.ok ? 'unconfirmed' : 'rejected',
  });
  if (!set.ok) return set;
  if (driftAfter === null) return err(appError('COMMUNICATION_FAILED', 'the clock was sent but could not be read back; interrogate the pump'));
  return ok({ driftBefore, driftAfter });
}

/** The pump plays its alarm tones so the patient learns them; recorded in the audit trail. */
export async function runAlarmTest(deps: MaintenanceDeps, actor: SignedInUser): Promise<Result<null>> {
  const allowed = authorize(actor, 'pump.alarmTest');
  if (!allowed.ok) return allowed;
  if (deps.link.alarmTest === undefined) return err(appError('COMMUNICATION_FAILED', 'this link cannot run the alarm test'));
  const r = await deps.link.alarmTest();
  deps.audit.append({ atUtc: deps.now().toISOString(), actor: actor.username, role: actor.role, action: 'pump.alarmTest', pumpSerial: deps.link.wandStatus().pumpSerial, outcome: r.ok ? 'confirmed' : 'rejected', reason: r.ok ? null : r.error.message });
  return r;
}
