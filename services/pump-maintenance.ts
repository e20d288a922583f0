import { offsetText, utcOffsetMinutes } from '../core/clock';
import { err, ok, type Result } from '../core/result';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import type { PumpLink } from '../drivers/link';
import { authorize, type SignedInUser } from './auth/accounts';
import { siteSettings } from './auth/settings';
import { said } from '../core/messages';
import { withPumpLock } from './pump-lock';
import { unresolvedSession } from './safe-write';

export interface MaintenanceDeps {
  db: Db;
  audit: AuditLog;
  link: PumpLink;
  now: () => Date;
}

/** Pump clock minus computer clock, in whole seconds (pumps drift). */
export const clockDriftSeconds = (pumpTime: string, at: Date): number =>
  Math.round((Date.parse(pumpTime) - at.getTime()) / 1000);

/**
 * Sets the pump's clock to the computer's with the clinic's UTC offset now (from the site's time
 * zone: the pump runs flex step times by clock + offset), reads it back, and records the drift
 * before and after, the time zone and the offset in the audit trail. The clock decides when flex
 * steps run, so, as for a program, what is about to be sent is committed to the trail first
 * (outcome pending): if it cannot be, nothing is sent. The outcome follows as its own record
 * (`pump.clock.set.outcome`): confirmed when the read-back clock is within 2 s and the pump reports
 * the offset sent. If that record cannot be written, the answer still says what the pump did.
 */
export const setPumpClock = (
  deps: MaintenanceDeps,
  actor: SignedInUser,
): Promise<Result<{ driftBefore: number; driftAfter: number }>> => withPumpLock(deps.link, () => setClock(deps, actor));

async function setClock(
  deps: MaintenanceDeps,
  actor: SignedInUser,
): Promise<Result<{ driftBefore: number; driftAfter: number }>> {
  const allowed = authorize(actor, 'pump.clock.set');
  if (!allowed.ok) return allowed;
  if (deps.link.setClock === undefined) return err(said('COMMUNICATION_FAILED', 'clockNotSupported', {}));
  const before = await deps.link.interrogate();
  if (!before.ok) return before;
  // The clock decides when flex steps run: like a program, it waits until an open session is settled.
  const blocked = unresolvedSession(deps.db, before.value.serial);
  if (blocked !== undefined) return err(blocked);
  const driftBefore = clockDriftSeconds(before.value.pumpTime, deps.now());
  const { timeZone } = siteSettings(deps.db);
  const time = deps.now();
  const offset = utcOffsetMinutes(time, timeZone);
  const base = { actor: actor.username, role: actor.role, pumpSerial: before.value.serial };
  const old = {
    pumpTime: before.value.pumpTime,
    driftSeconds: driftBefore,
    utcOffsetMinutes: before.value.utcOffsetMinutes ?? null,
  };
  const sent = { time: time.toISOString(), timeZone, utcOffsetMinutes: offset, utcOffset: offsetText(offset) };
  try {
    deps.audit.append({
      ...base,
      atUtc: time.toISOString(),
      pumpTime: before.value.pumpTime,
      action: 'pump.clock.set',
      old,
      new: sent,
      outcome: 'pending',
    });
  } catch (e) {
    return err(said('STORAGE_FAILED', 'clockNotRecordedNotSent', { detail: (e as Error).message }));
  }
  const set = await deps.link.setClock({ time, utcOffsetMinutes: offset });
  const after = await deps.link.interrogate();
  const driftAfter = after.ok ? clockDriftSeconds(after.value.pumpTime, deps.now()) : null;
  const offsetAfter = after.ok ? after.value.utcOffsetMinutes : undefined;
  const confirmed = set.ok && driftAfter !== null && Math.abs(driftAfter) <= 2 && offsetAfter === offset;
  try {
    deps.audit.append({
      ...base,
      atUtc: deps.now().toISOString(),
      pumpTime: after.ok ? after.value.pumpTime : before.value.pumpTime,
      action: 'pump.clock.set.outcome',
      old,
      new: { ...sent, driftSeconds: driftAfter },
      outcome: confirmed ? 'confirmed' : set.ok ? 'unconfirmed' : 'rejected',
    });
  } catch (e) {
    // The pump may have acted: the answer says what it reads now, and that the record is missing.
    return err(
      said('STORAGE_FAILED', 'clockOutcomeNotRecorded', {
        pumpTime: after.ok ? after.value.pumpTime : '—',
        offset: offsetAfter === undefined ? '—' : offsetText(offsetAfter),
        detail: (e as Error).message,
      }),
    );
  }
  if (!set.ok) return set;
  if (driftAfter === null || !after.ok) return err(said('COMMUNICATION_FAILED', 'clockNotReadBack', {}));
  if (Math.abs(driftAfter) > 2) {
    return err(
      said('COMMUNICATION_FAILED', 'clockDriftAfterSet', { pumpTime: after.value.pumpTime, drift: String(driftAfter) }),
    );
  }
  if (offsetAfter !== offset) {
    return err(
      said(
        'COMMUNICATION_FAILED',
        'clockOffsetMismatch',
        { after: offsetAfter === undefined ? '—' : offsetText(offsetAfter), offset: offsetText(offset), timeZone },
        'utcOffsetMinutes',
      ),
    );
  }
  return ok({ driftBefore, driftAfter });
}

/** The pump plays its alarm tones so the patient learns them; recorded in the audit trail. */
export const runAlarmTest = (deps: MaintenanceDeps, actor: SignedInUser): Promise<Result<null>> =>
  withPumpLock(deps.link, () => alarmTest(deps, actor));

async function alarmTest(deps: MaintenanceDeps, actor: SignedInUser): Promise<Result<null>> {
  const allowed = authorize(actor, 'pump.alarmTest');
  if (!allowed.ok) return allowed;
  if (deps.link.alarmTest === undefined) return err(said('COMMUNICATION_FAILED', 'alarmTestNotSupported', {}));
  const r = await deps.link.alarmTest();
  deps.audit.append({
    atUtc: deps.now().toISOString(),
    actor: actor.username,
    role: actor.role,
    action: 'pump.alarmTest',
    pumpSerial: deps.link.wandStatus().pumpSerial,
    outcome: r.ok ? 'confirmed' : 'rejected',
    reason: r.ok ? null : r.error.message,
  });
  return r;
}
