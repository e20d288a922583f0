import { dec, ROUND_DOWN, ROUND_UP, str, toPlaces, type Dec } from '../decimal';
import { primingBolus } from '../calc/priming';
import { ROUNDING } from '../calc/rounding';
import { findCatheterModel, type PumpModel } from '../models';
import { bolusRate, type ProgramSummary } from '../program';
import type { Drug } from '../pump';
import { err, ok, type Result } from '../result';
import {
  concentrationIn,
  convertMass,
  dailyDoseIn,
  dailyDoseQ,
  massOf,
  volumeQ,
  type ConcentrationQ,
  type DailyDoseQ,
  type MassUnit,
  type VolumeQ,
} from '../units';
import type { DrugLibrary, OpioidTolerance } from './schema';
import type { AddFinding } from './findings';
import { said } from '../messages';

/** The pump takes bolus volumes in whole microlitres (docs/wand-protocol.md). */
const WIRE_VOLUME_PLACES = 3;

export type ClinicianBolusKind = 'single' | 'priming';

/** What the physician asks for: a single bolus by its dose, or a priming bolus of the registered catheter. */
export type ClinicianBolusRequest =
  | { kind: 'single'; dose: string; durationMinutes: number }
  | { kind: 'priming'; durationMinutes: number; catheterPrimed: boolean };

/** The pump's registration as far as a priming bolus needs it. */
export interface CatheterRegistration {
  catheterModelId: string | null;
  catheterLengthCm: string | null;
}

/** A bolus as it is sent: its volume in whole microlitres and its duration. */
export interface PlannedBolus {
  kind: ClinicianBolusKind;
  volume: VolumeQ;
  durationMinutes: number;
  /** For a priming bolus: the physician's answer to "is the catheter already primed?". */
  catheterPrimed?: boolean | undefined;
}

/**
 * The volume of a bolus: a single bolus from its dose at the pump's concentration, rounded down to
 * the microlitre (never more than ordered); a priming bolus from the pump model's tubing and the
 * registered catheter over its implanted length, rounded up (the whole dead volume is filled).
 */
export function planClinicianBolus(
  request: ClinicianBolusRequest,
  concentration: ConcentrationQ,
  model: PumpModel,
  registration: CatheterRegistration | undefined,
): Result<PlannedBolus> {
  if (!Number.isInteger(request.durationMinutes) || request.durationMinutes < 1 || request.durationMinutes > 1440) {
    return err(said('INVALID_INPUT', 'bolusDurationRange', {}, 'durationMinutes'));
  }
  if (request.kind === 'single') {
    const mass = massOf(concentration.unit);
    const c = concentrationIn(concentration, mass);
    if (c.isZero()) return err(said('INVALID_INPUT', 'pumpReportsNoConcentration', {}, 'concentration'));
    const volume = toPlaces(dec(request.dose).div(c), WIRE_VOLUME_PLACES, ROUND_DOWN);
    if (volume.isZero())
      return err(
        said(
          'INVALID_INPUT',
          'bolusBelowMicrolitre',
          {
            dose: request.dose,
            unit: mass,
            concentration: concentration.value,
            concentrationUnit: concentration.unit,
          },
          'dose',
        ),
      );
    return ok({ kind: 'single', volume: volumeQ(volume), durationMinutes: request.durationMinutes });
  }
  const catheter = registration?.catheterModelId == null ? undefined : findCatheterModel(registration.catheterModelId);
  if (catheter === undefined || registration?.catheterLengthCm == null) {
    return err(said('INVALID_INPUT', 'primingNeedsCatheter', {}, 'catheter'));
  }
  const primed = primingBolus({
    pump: model,
    catheter,
    implantedLengthCm: registration.catheterLengthCm,
    concentration,
    bolusRateMlPerHour: str(dec(model.maxRateMlPerDay).div(24)),
  });
  if (!primed.ok) return primed;
  return ok({
    kind: 'priming',
    volume: volumeQ(toPlaces(dec(primed.value.volume.value), WIRE_VOLUME_PLACES, ROUND_UP)),
    durationMinutes: request.durationMinutes,
    catheterPrimed: request.catheterPrimed,
  });
}

/** A clinician bolus this pump confirmed (a session of its own): when it started, what it was and gave. */
export interface EarlierBolus {
  /** When the bolus started (ISO 8601). */
  at: string;
  kind: ClinicianBolusKind;
  volume: VolumeQ;
  durationMinutes: number;
  /** What it gave of each drug (a priming bolus filled the catheter with it). */
  doses: Array<{ drug: Drug; dose: { value: string; unit: MassUnit } }>;
}

/** What else the bolus rules need to know: the pump's reservoir, a running bridge, earlier boluses. */
export interface ClinicianBolusInput extends PlannedBolus {
  reservoirVolume: VolumeQ;
  alarmVolume: VolumeQ;
  bridgeRunning: boolean;
  /** The time of this bolus (ISO 8601). */
  now: string;
  /**
   * The clinician boluses (single and priming) the pump confirmed: at least those of the longest
   * window of the library and every priming bolus since `lastRefillAt`.
   */
  earlier: ReadonlyArray<EarlierBolus>;
  /** When the pump's last confirmed refill was (ISO 8601), or null if it has none. */
  lastRefillAt: string | null;
  /** The patient's opioid tolerance, for a bolus into a stopped pump (unknown counts as naive). */
  tolerance?: OpioidTolerance | undefined;
}

/** Per drug of the solution: what the bolus gives and the 24-hour total before and with it. */
export interface ClinicianBolusFigures {
  rate: { value: string; unit: 'mL/h' };
  doses: Array<{
    drug: Drug;
    dose: { value: string; unit: MassUnit };
    /** The program with every allowed patient bolus plus the single boluses of the last 24 h. */
    total24hBefore: DailyDoseQ;
    /** The same with this bolus (a priming bolus fills the catheter: it adds nothing, unless the catheter is already primed). */
    total24hWith: DailyDoseQ;
    /** The clinician single boluses of this drug within the library's window (24 h without one), before and with this one. */
    clinicianBoluses: {
      hours: number;
      count: number;
      before: { value: string; unit: MassUnit };
      with: { value: string; unit: MassUnit };
    };
  }>;
  /** The clinician boluses this pump confirmed within the last 24 hours (or the longest window), oldest first. */
  earlier: EarlierBolus[];
}

const above = (
  value: Dec,
  bound: { soft?: string | undefined; hard?: string | undefined } | undefined,
): { level: 'soft' | 'hard'; limit: string } | undefined => {
  if (bound?.hard !== undefined && value.gt(bound.hard)) return { level: 'hard', limit: bound.hard };
  if (bound?.soft !== undefined && value.gt(bound.soft)) return { level: 'soft', limit: bound.soft };
  return undefined;
};
const below = (
  value: Dec,
  bound: { soft?: string | undefined; hard?: string | undefined } | undefined,
): { level: 'soft' | 'hard'; limit: string } | undefined => {
  if (bound?.hard !== undefined && value.lt(bound.hard)) return { level: 'hard', limit: bound.hard };
  if (bound?.soft !== undefined && value.lt(bound.soft)) return { level: 'soft', limit: bound.soft };
  return undefined;
};

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Without a window in the library, the clinician boluses of the last 24 hours are looked at. */
export const DEFAULT_BOLUS_WINDOW_HOURS = 24;
/** A priming bolus this long ago or less means the catheter is primed, refill or not. */
export const PRIMED_FOR_HOURS = 24;
const endOf = (b: EarlierBolus): number => Date.parse(b.at) + b.durationMinutes * MINUTE_MS;
const doseOf = (b: EarlierBolus, drug: Drug, mass: MassUnit): Dec =>
  b.doses
    .filter((d) => d.drug === drug)
    .reduce((sum, d) => sum.plus(convertMass(dec(d.dose.value), d.dose.unit, mass)), dec(0));

/**
 * The rules of a bolus the physician gives through the wand, per drug of the program the pump runs:
 * the drug library's clinician-bolus limit (or none allowed), the clinician boluses of the window
 * added up against the library's total and spaced by its interval, the bolus counted into the
 * 24-hour dose against the daily ceiling, no faster than the pump's maximum rate, enough in the
 * reservoir, no bolus while a bridge or another clinician bolus runs, a soft finding for a stopped
 * pump (with the 24-hour boluses held to the start dose), and a priming bolus never into a
 * catheter that is primed: answered so, or primed by this pump within 24 h or since its last refill.
 */
export function checkClinicianBolus(
  library: DrugLibrary,
  running: ProgramSummary,
  input: ClinicianBolusInput,
  model: PumpModel,
  add: AddFinding,
): ClinicianBolusFigures {
  const volume = dec(input.volume.value);
  const single = input.kind === 'single';
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
  const stopped = running.mode === 'stopped';
  if (stopped && single) {
    add(
      'CLINICIAN_BOLUS_PUMP_STOPPED',
      'soft',
      'the pump is stopped: find out why (an overdose, surgery, an infection) before giving a bolus; a reason is required',
      {},
    );
  }
  // What reaches the patient: a single bolus, or a priming bolus pushed through a primed catheter (refused above).
  const delivered = single || primed;
  const longest = Math.max(
    DEFAULT_BOLUS_WINDOW_HOURS,
    ...library.entries.map((e) => e.clinicianBolus?.window?.hours ?? 0),
  );
  const doses = running.components.map((component, index) => {
    const mass = massOf(component.concentration.unit);
    const dose = toPlaces(volume.mul(concentrationIn(component.concentration, mass)), ROUNDING.dosePlaces);
    const singles = (hours: number) =>
      earlier.filter(
        (b) => b.kind === 'single' && now - Date.parse(b.at) < hours * HOUR_MS && doseOf(b, component.drug, mass).gt(0),
      );
    const earlier24h = singles(24).reduce((sum, b) => sum.plus(doseOf(b, component.drug, mass)), dec(0));
    const basal = stopped ? dec(0) : dailyDoseIn(component.maxDailyDoseWithBoluses, mass);
    const before = basal.plus(earlier24h);
    const withBolus = delivered ? before.plus(dose) : before;
    const entry = library.entries.find((e) => e.drug === component.drug);
    const rules = entry?.clinicianBolus;
    const hours = rules?.window?.hours ?? DEFAULT_BOLUS_WINDOW_HOURS;
    const inWindow = singles(hours);
    const windowBefore = inWindow.reduce((sum, b) => sum.plus(doseOf(b, component.drug, mass)), dec(0));
    const windowWith = single ? windowBefore.plus(dose) : windowBefore;
    if (single) {
      const params = { component: String(index), drug: component.drug };
      if (entry !== undefined && rules?.notAllowed === true) {
        add(
          'CLINICIAN_BOLUS_NOT_ALLOWED',
          'hard',
          `the drug library allows no clinician bolus of ${component.drug}`,
          params,
        );
      } else if (entry !== undefined && rules?.maxDose === undefined) {
        add(
          'CLINICIAN_BOLUS_NO_LIMIT',
          'soft',
          `the drug library sets no clinician bolus limit for ${component.drug}: check the dose against the patient's record`,
          params,
        );
      } else if (entry !== undefined) {
        const inEntry = convertMass(dose, mass, entry.unit);
        const hit = above(inEntry, rules?.maxDose);
        if (hit)
          add(
            'CLINICIAN_BOLUS_DOSE_ABOVE_MAX',
            hit.level,
            `a bolus of ${str(inEntry)} ${entry.unit} is above the ${hit.level} maximum of ${hit.limit} ${entry.unit}`,
            { ...params, dose: str(inEntry), max: hit.limit, unit: entry.unit },
          );
      }
      if (entry !== undefined && rules?.notAllowed !== true && inWindow.length > 0) {
        // Repeated boluses: their total within the window and the pause since the last one ended.
        const window = rules?.window;
        const total = convertMass(windowWith, mass, entry.unit);
        const count = String(inWindow.length + 1);
        const totalHit = above(total, window?.maxTotal);
        if (totalHit) {
          add(
            'CLINICIAN_BOLUS_TOTAL_ABOVE_MAX',
            totalHit.level,
            `with this bolus the clinician boluses of ${component.drug} in the last ${hours} h come to ${str(total)} ${entry.unit} (${count} boluses), above the ${totalHit.level} maximum of ${totalHit.limit} ${entry.unit}`,
            {
              ...params,
              hours: String(hours),
              total: str(total),
              count,
              max: totalHit.limit,
              unit: entry.unit,
            },
          );
        }
        const last = inWindow.reduce((a, b) => (endOf(b) > endOf(a) ? b : a));
        const elapsed = Math.max(0, Math.floor((now - endOf(last)) / MINUTE_MS));
        const gap = below(dec(elapsed), window?.minIntervalMinutes);
        if (gap) {
          add(
            'CLINICIAN_BOLUS_INTERVAL_BELOW_MIN',
            gap.level,
            `the last clinician bolus of ${component.drug} ended ${elapsed} min ago; clinician boluses must be at least ${gap.limit} min apart (${gap.level} limit)`,
            { ...params, elapsed: String(elapsed), min: gap.limit },
          );
        }
        if (window?.maxTotal === undefined || window.minIntervalMinutes === undefined) {
          add(
            'CLINICIAN_BOLUS_REPEAT_NO_LIMIT',
            'soft',
            `this pump gave ${inWindow.length} clinician boluses of ${component.drug} in the last ${hours} h and the drug library sets no ${window?.maxTotal === undefined ? 'total' : 'interval'} for repeated boluses: check against the patient's record`,
            {
              ...params,
              count: String(inWindow.length),
              hours: String(hours),
            },
          );
        }
      }
      if (entry !== undefined && stopped) {
        // A stopped pump: the boluses of 24 h are the patient's whole dose, a start as a first program is.
        const tolerant = input.tolerance === 'tolerant' && entry.startDoseTolerant !== undefined;
        const total = convertMass(withBolus, mass, entry.unit);
        const start = above(total, tolerant ? entry.startDoseTolerant : entry.startDose);
        if (start) {
          add(
            'CLINICIAN_BOLUS_ABOVE_START_DOSE',
            start.level,
            `the pump is stopped, so the clinician boluses of 24 h are all the patient receives: ${str(total)} ${entry.unit} is above the ${start.level} starting-dose limit of ${start.limit} ${entry.unit}/day for ${tolerant ? 'opioid-tolerant' : 'opioid-naive (or tolerance unknown)'} patients`,
            {
              ...params,
              total: str(total),
              max: start.limit,
              unit: entry.unit,
            },
          );
        }
      }
    }
    if (entry !== undefined && delivered) {
      const total = convertMass(withBolus, mass, entry.unit);
      const ceiling = above(total, entry.dailyDose.max);
      if (ceiling) {
        add(
          'BOLUS_DAILY_TOTAL_ABOVE_MAX',
          ceiling.level,
          `with this bolus the patient can receive ${str(total)} ${entry.unit}/day in 24 hours, above the ${ceiling.level} maximum of ${ceiling.limit} ${entry.unit}/day`,
          {
            component: String(index),
            drug: component.drug,
            dose: str(total),
            max: ceiling.limit,
            unit: `${entry.unit}/day`,
          },
        );
      }
    }
    return {
      drug: component.drug,
      dose: { value: str(dose), unit: mass },
      total24hBefore: dailyDoseQ(toPlaces(before, ROUNDING.dosePlaces), mass),
      total24hWith: dailyDoseQ(toPlaces(withBolus, ROUNDING.dosePlaces), mass),
      clinicianBoluses: {
        hours,
        count: inWindow.length,
        before: { value: str(toPlaces(windowBefore, ROUNDING.dosePlaces)), unit: mass },
        with: { value: str(toPlaces(windowWith, ROUNDING.dosePlaces)), unit: mass },
      },
    };
  });
  return {
    rate: { value: str(toPlaces(volume.mul(60).div(input.durationMinutes), ROUNDING.volumePlaces)), unit: 'mL/h' },
    doses,
    earlier: earlier.filter((b) => now - Date.parse(b.at) < longest * HOUR_MS),
  };
}
