import { EARLIEST_PLAUSIBLE_CLOCK, offsetText, utcOffsetMinutes } from '../core/clock';
import type { PumpStatus } from '../core/pump';
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

/** Pump clock minus computer clock, in whole seconds (pumps drift); null for a pump without a clock. */
export const clockDriftSeconds = (pumpTime: string | null, at: Date): number | null =>
  pumpTime === null ? null : Math.round((Date.parse(pumpTime) - at.getTime()) / 1000);

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
): Promise<Result<{ driftBefore: number | null; driftAfter: number }>> =>
  withPumpLock(deps.link, () => setClock(deps, actor));

async function setClock(
  deps: MaintenanceDeps,
  actor: SignedInUser,
): Promise<Result<{ driftBefore: number | null; driftAfter: number }>> {
  const allowed = authorize(actor, 'pump.clock.set');
  if (!allowed.ok) return allowed;
  if (deps.link.setClock === undefined) return err(said('COMMUNICATION_FAILED', 'clockNotSupported', {}));
  if (deps.now().getTime() < Date.parse(EARLIEST_PLAUSIBLE_CLOCK))
    return err(said('OUT_OF_RANGE', 'workstationClockImplausible', { time: deps.now().toISOString() }));
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
  const set = await deps.link.setClock({ time, utcOffsetMinutes: offset, pumpSerial: before.value.serial });
  const read = await deps.link.interrogate();
  // Only a read-back of the same pump says what its clock is now.
  const after: Result<PumpStatus> =
    read.ok && read.value.serial !== before.value.serial
      ? err(said('CONFLICT', 'readBackOtherPump', { read: read.value.serial, serial: before.value.serial }))
      : read;
  const driftAfter = after.ok ? clockDriftSeconds(after.value.pumpTime, deps.now()) : null;
  const offsetAfter = after.ok ? after.value.utcOffsetMinutes : undefined;
  // Judged by the read-back, not the wand's answer: the pump reads the time and offset sent (even
  // when the answer was lost) — confirmed; the send failed and the pump still reads its old clock
  // and offset — rejected; anything else is not known.
  const confirmed = driftAfter !== null && Math.abs(driftAfter) <= 2 && offsetAfter === offset;
  // A pump that had no clock is unchanged when it still has none.
  const clockUnchanged =
    driftBefore === null
      ? after.ok && after.value.pumpTime === null
      : driftAfter !== null && Math.abs(driftAfter - driftBefore) <= 2;
  const unchanged = clockUnchanged && offsetAfter === (before.value.utcOffsetMinutes ?? 0);
  // A wand that found another pump sends nothing (WandLink refuses before the request).
  const notSent = !set.ok && set.error.key === 'writeOtherPump';
  const rejected = !confirmed && !set.ok && (unchanged || notSent);
  try {
    deps.audit.append({
      ...base,
      atUtc: deps.now().toISOString(),
      pumpTime: after.ok ? after.value.pumpTime : before.value.pumpTime,
      action: 'pump.clock.set.outcome',
      old,
      new: { ...sent, driftSeconds: driftAfter },
      outcome: confirmed ? 'confirmed' : rejected ? 'rejected' : 'unconfirmed',
    });
  } catch (e) {
    // The pump may have acted: the answer says what it reads now, and that the record is missing.
    return err(
      said('STORAGE_FAILED', 'clockOutcomeNotRecorded', {
        pumpTime: (after.ok ? after.value.pumpTime : null) ?? '—',
        offset: offsetAfter === undefined ? '—' : offsetText(offsetAfter),
        detail: (e as Error).message,
      }),
    );
  }
  if (confirmed) return ok({ driftBefore, driftAfter });
  if (rejected && !set.ok) return set;
  if (!after.ok) return err(said('COMMUNICATION_FAILED', 'clockNotReadBack', {}));
  if (driftAfter === null) return err(said('COMMUNICATION_FAILED', 'clockStillNotSet', {}));
  if (Math.abs(driftAfter) > 2) {
    return err(
      said('COMMUNICATION_FAILED', 'clockDriftAfterSet', {
        pumpTime: after.value.pumpTime ?? '—',
        drift: String(driftAfter),
      }),
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
  try {
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: actor.username,
      role: actor.role,
      action: 'pump.alarmTest',
      // The pump of the wand's session: the one that played the tones (or refused to).
      pumpSerial: deps.link.wandStatus().pumpSerial,
      outcome: r.ok ? 'confirmed' : 'rejected',
      reason: r.ok ? null : r.error.message,
    });
  } catch (e) {
    // The pump has played (or not): the answer says so, and that the record is missing.
    if (r.ok) return err(said('STORAGE_FAILED', 'alarmTestNotRecorded', { detail: (e as Error).message }));
  }
  return r;
}
