import { reviewProgram } from './program-review';
import { defaultPumpModel } from '../core/models';
import type { ProgramWrite, PumpSettings, PumpStatus } from '../core/pump';
import { err, ok, type Result } from '../core/result';
import { authorize, type SignedInUser } from './auth/accounts';
import { siteSettings } from './auth/settings';
import { clockDriftSeconds, setPumpClock } from './pump-maintenance';
import { utcOffsetMinutes } from '../core/clock';
import { said, saidWithCause } from '../core/messages';
import {
  writeReviewContext,
  type ProgramRequest,
  type ProgramResult,
  type ProgrammingDeps,
} from './programming-request';
import { readForWrite, safeWrite } from './safe-write';
import { withPumpLock } from './pump-lock';

/**
 * Programs the pump: permission, the pump read for a write and the drug-library review of the new
 * program here; then the one write path (`safeWrite`): the intent committed to the audit trail →
 * one atomic write with a session and transaction id → read back and compare field by field → the
 * outcome recorded. An outcome that cannot be confirmed is UNCONFIRMED and blocks further
 * programming of that pump until `resolveUnconfirmed` settles it.
 */
export const programPump = (deps: ProgrammingDeps, request: ProgramRequest): Promise<Result<ProgramResult>> =>
  withPumpLock(deps.link, () => program(deps, request));

async function program(deps: ProgrammingDeps, request: ProgramRequest): Promise<Result<ProgramResult>> {
  const action = request.action ?? 'pump.program';
  const allowed = authorize(request.actor, action === 'pump.program' ? 'pump.program' : 'pump.reservoir.update');
  if (!allowed.ok) return allowed;
  const model = deps.model ?? defaultPumpModel();
  const read = await readForWrite(deps, request.reviewed, 'programChangedSinceReview');
  if (!read.ok) return read;
  const old = read.value;
  const s = normalised(request.settings);
  // Everything that is sent is validated: the infusion and the patient bolus settings.
  const context = writeReviewContext(deps, model, old.serial);
  const review = reviewProgram(deps.library, model, old, s, context, { bridged: request.bridge !== undefined });
  if (!review.ok) return review;
  const { check, increase } = review.value;
  const written = await safeWrite({
    deps,
    request,
    action,
    old,
    check,
    newValues: {
      ...s,
      dailyDose: review.value.newDailyDose,
      ...(request.reservoirVolumeMl === undefined
        ? {}
        : { reservoirVolume: { value: request.reservoirVolumeMl, unit: 'mL' } }),
      ...(request.bridge === undefined ? {} : { bridge: request.bridge }),
    },
    witnessNeeded: increase
      ? 'increaseNeedsWitness'
      : request.requireWitness === true
        ? 'changeNeedsWitness'
        : undefined,
    // Flex steps run by the pump's clock plus its UTC offset: a pump that is not on the clinic's
    // time is set first (its own audited write), so each step runs at the hour it was written for.
    beforeIntent: () => clockForFlex(deps, request.actor, old, s),
    intent: (ids): ProgramWrite => ({
      ...ids,
      settings: s,
      reservoirVolumeMl: request.reservoirVolumeMl,
      bridge: request.bridge,
    }),
    notRecordedKey: 'notRecordedNotSent',
    send: (write) => deps.link.program(write),
  });
  if (!written.ok) return written;
  const { outcome, intent, mismatches, readBack, recordingProblem } = written.value;
  return ok({
    outcome,
    sessionId: intent.sessionId,
    check,
    mismatches,
    ...(readBack.ok ? { status: readBack.value } : {}),
    ...(recordingProblem === undefined ? {} : { recordingProblem }),
  });
}

/** A pump clock this far from the computer's is set before a flex program (flex steps are whole minutes). */
const FLEX_CLOCK_TOLERANCE_SECONDS = 60;

/**
 * Sets the pump's clock and UTC offset to the clinic's before a flex program, when they differ or
 * the pump has no clock (it refuses a flex program then: docs/wand-protocol.md); a link that cannot
 * set the clock sends no flex program to a pump without one.
 */
async function clockForFlex(
  deps: ProgrammingDeps,
  actor: SignedInUser,
  old: PumpStatus,
  s: PumpSettings,
): Promise<Result<null>> {
  if (s.mode !== 'flex') return ok(null);
  if (deps.link.setClock === undefined)
    return old.pumpTime === null ? err(said('CONFLICT', 'flexNeedsPumpClock', {}, 'clock')) : ok(null);
  const offset = utcOffsetMinutes(deps.now(), siteSettings(deps.db).timeZone);
  const drift = clockDriftSeconds(old.pumpTime, deps.now());
  if (drift !== null && (old.utcOffsetMinutes ?? 0) === offset && Math.abs(drift) <= FLEX_CLOCK_TOLERANCE_SECONDS)
    return ok(null);
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
