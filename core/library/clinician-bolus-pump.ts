import { dec, str, toPlaces, type Dec } from '../decimal';
import type { PumpModel } from '../models';
import { bolusRate } from '../program';
import type { Drug } from '../pump';
import { convertMass, type MassUnit } from '../units';
import type { AddFinding } from './findings';
import type { ClinicianBolusInput, EarlierBolus } from './clinician-bolus';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** Without a window in the library, the clinician boluses of the last 24 hours are looked at. */
export const DEFAULT_BOLUS_WINDOW_HOURS = 24;
/** A priming bolus this long ago or less means the catheter is primed, refill or not. */
export const PRIMED_FOR_HOURS = 24;
export const endOf = (b: EarlierBolus): number => Date.parse(b.at) + b.durationMinutes * MINUTE_MS;
export const doseOf = (b: EarlierBolus, drug: Drug, mass: MassUnit): Dec =>
  b.doses
    .filter((d) => d.drug === drug)
    .reduce((sum, d) => sum.plus(convertMass(dec(d.dose.value), d.dose.unit, mass)), dec(0));

/**
 * The rules of a clinician bolus against the pump, whatever the drug: no faster than the pump's
 * maximum rate, enough in the reservoir (and a soft finding below the low-reservoir alarm), no
 * bolus while a bridge or another clinician bolus runs, and a priming bolus never into a catheter
 * that is primed: answered so, or primed by this pump within 24 h or since its last refill.
 * Answers the earlier boluses up to now, oldest first, and whether a priming bolus would push drug
 * through a primed catheter into the patient.
 */
export function checkBolusAgainstPump(
  input: ClinicianBolusInput,
  model: PumpModel,
  add: AddFinding,
): { earlier: EarlierBolus[]; primed: boolean } {
  const volume = dec(input.volume.value);
  const now = Date.parse(input.now);
  const rate = bolusRate(volume, input.durationMinutes);
  if (rate.gt(model.maxRateMlPerDay)) {
    const shortest = Math.ceil(volume.mul(1440).div(model.maxRateMlPerDay).toNumber());
    add(
      'CLINICIAN_BOLUS_RATE_ABOVE_MAX',
      'hard',
      `${str(volume)} mL over ${input.durationMinutes} min is ${str(toPlaces(rate, 3))} mL/day, faster than the pump's maximum rate of ${model.maxRateMlPerDay} mL/day: give it over at least ${shortest} min`,
      {
        volume: str(volume),
        minutes: String(input.durationMinutes),
        rate: str(toPlaces(rate, 3)),
        maxRate: model.maxRateMlPerDay,
        shortest: String(shortest),
      },
    );
  }
  const reservoir = dec(input.reservoirVolume.value);
  if (volume.gt(reservoir)) {
    add(
      'BOLUS_RESERVOIR_INSUFFICIENT',
      'hard',
      `the bolus needs ${str(volume)} mL and the reservoir holds ${str(reservoir)} mL: refill first`,
      { volume: str(volume), reservoir: str(reservoir) },
    );
  } else if (reservoir.minus(volume).lt(input.alarmVolume.value)) {
    add(
      'BOLUS_RESERVOIR_BELOW_ALARM',
      'soft',
      `after the bolus the reservoir holds ${str(reservoir.minus(volume))} mL, below the low-reservoir alarm at ${input.alarmVolume.value} mL: plan the refill`,
      { left: str(reservoir.minus(volume)), alarm: input.alarmVolume.value },
    );
  }
  if (input.bridgeRunning)
    add('BOLUS_BRIDGE_RUNNING', 'hard', 'a bridge bolus is still running: no other bolus until it has ended', {});
  // A clinician bolus the pump confirmed and that has not yet ended: the pump would run two at once.
  const earlier = [...input.earlier]
    .filter((b) => Date.parse(b.at) <= now)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const b of earlier.filter((e) => endOf(e) > now)) {
    const left = Math.ceil((endOf(b) - now) / MINUTE_MS);
    add(
      'CLINICIAN_BOLUS_STILL_RUNNING',
      'hard',
      `a clinician bolus of ${b.volume.value} mL over ${b.durationMinutes} min started at ${b.at} is still running (${left} min left): no other bolus until it has ended`,
      {
        volume: b.volume.value,
        minutes: String(b.durationMinutes),
        left: String(left),
      },
    );
  }
  // The catheter is primed after a priming bolus within 24 h, or since the last refill (docs/workflows.md).
  const lastRefill = input.lastRefillAt === null ? undefined : Date.parse(input.lastRefillAt);
  const priming = earlier
    .filter(
      (b) =>
        b.kind === 'priming' &&
        (now - Date.parse(b.at) <= PRIMED_FOR_HOURS * HOUR_MS ||
          lastRefill === undefined ||
          Date.parse(b.at) > lastRefill),
    )
    .at(-1);
  let primed = false;
  if (input.kind === 'priming') {
    if (input.catheterPrimed !== false) {
      add(
        'PRIMING_CATHETER_PRIMED',
        'hard',
        'the catheter is already primed (or this was not answered): a priming bolus would push its whole volume of drug into the patient at once — an overdose',
        {},
      );
      primed = true;
    }
    if (priming !== undefined) {
      const hours = str(toPlaces(dec(now - Date.parse(priming.at)).div(HOUR_MS), 1));
      add(
        'PRIMING_REPEATED',
        'hard',
        `this pump gave a priming bolus of ${priming.volume.value} mL at ${priming.at}, ${hours} h ago (within ${PRIMED_FOR_HOURS} h or since its last refill): the catheter is primed whatever the answer, and another priming bolus would push its whole volume of drug into the patient — an overdose`,
        {
          volume: priming.volume.value,
          hours,
        },
      );
      primed = true;
    }
  }
  return { earlier, primed };
}
