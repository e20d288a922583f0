import { dec, ROUND_DOWN, ROUND_UP, str, toPlaces, type Dec } from '../decimal';
import { primingBolus } from '../calc/priming';
import { ROUNDING } from '../calc/rounding';
import { invalid } from '../calc/errors';
import { findCatheterModel, type PumpModel } from '../models';
import { bolusRate, type ProgramSummary } from '../program';
import type { Drug } from '../pump';
import { ok, type Result } from '../result';
import { concentrationIn, convertMass, dailyDoseIn, dailyDoseQ, massOf, volumeQ, type ConcentrationQ, type DailyDoseQ, type MassUnit, type VolumeQ } from '../units';
import type { DrugLibrary } from './schema';
import type { AddFinding } from './validate';

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
export function planClinicianBolus(request: ClinicianBolusRequest, concentration: ConcentrationQ, model: PumpModel, registration: CatheterRegistration | undefined): Result<PlannedBolus> {
  if (!Number.isInteger(request.durationMinutes) || request.durationMinutes < 1 || request.durationMinutes > 1440) {
    return invalid('durationMinutes', 'the bolus duration is a whole number of minutes from 1 to 1440');
  }
  if (request.kind === 'single') {
    const mass = massOf(concentration.unit);
    const c = concentrationIn(concentration, mass);
    if (c.isZero()) return invalid('concentration', 'the pump reports no concentration');
    const volume = toPlaces(dec(request.dose).div(c), WIRE_VOLUME_PLACES, ROUND_DOWN);
    if (volume.isZero()) return invalid('dose', `${request.dose} ${mass} is less than one microlitre at ${concentration.value} ${concentration.unit}: the pump cannot deliver it`);
    return ok({ kind: 'single', volume: volumeQ(volume), durationMinutes: request.durationMinutes });
  }
  const catheter = registration?.catheterModelId == null ? undefined : findCatheterModel(registration.catheterModelId);
  if (catheter === undefined || registration?.catheterLengthCm == null) {
    return invalid('catheter', 'the pump has no registered catheter model and implanted length: register them on the patient’s page; the priming volume is never typed in');
  }
  const primed = primingBolus({ pump: model, catheter, implantedLengthCm: registration.catheterLengthCm, concentration, bolusRateMlPerHour: str(dec(model.maxRateMlPerDay).div(24)) });
  if (!primed.ok) return primed;
  return ok({ kind: 'priming', volume: volumeQ(toPlaces(dec(primed.value.volume.value), WIRE_VOLUME_PLACES, ROUND_UP)), durationMinutes: request.durationMinutes, catheterPrimed: request.catheterPrimed });
}

/** What else the bolus rules need to know: the pump's reservoir, a running bridge, earlier boluses. */
export interface ClinicianBolusInput extends PlannedBolus {
  reservoirVolume: VolumeQ;
  alarmVolume: VolumeQ;
  bridgeRunning: boolean;
  /** Single boluses the pump confirmed in the last 24 hours, each drug's dose. */
  earlier: ReadonlyArray<{ drug: Drug; dose: { value: string; unit: MassUnit } }>;
}

/** Per drug of the solution: what the bolus gives and the 24-hour total before and with it. */
export interface ClinicianBolusFigures {
  rate: { value: string; unit: 'mL/h' };
  doses: Array<{
    drug: Drug;
    dose: { value: string; unit: MassUnit };
    /** The program with every allowed patient bolus plus the single boluses of the last 24 h. */
    total24hBefore: DailyDoseQ;
    /** The same with this bolus (a priming bolus fills the catheter: it adds nothing). */
    total24hWith: DailyDoseQ;
  }>;
}

const above = (value: Dec, bound: { soft?: string | undefined; hard?: string | undefined } | undefined): { level: 'soft' | 'hard'; limit: string } | undefined => {
  if (bound?.hard !== undefined && value.gt(bound.hard)) return { level: 'hard', limit: bound.hard };
  if (bound?.soft !== undefined && value.gt(bound.soft)) return { level: 'soft', limit: bound.soft };
  return undefined;
};

/**
 * The rules of a bolus the physician gives through the wand, per drug of the program the pump runs:
 * the drug library's clinician-bolus limit (or none allowed), the bolus counted into the 24-hour
 * dose against the daily ceiling, no faster than the pump's maximum rate, enough in the reservoir,
 * no bolus while a bridge runs, and a priming bolus never into a catheter that is already primed.
 */
export function checkClinicianBolus(library: DrugLibrary, running: ProgramSummary, input: ClinicianBolusInput, model: PumpModel, add: AddFinding): ClinicianBolusFigures {
  const volume = dec(input.volume.value);
  const single = input.kind === 'single';
  const rate = bolusRate(volume, input.durationMinutes);
  if (rate.gt(model.maxRateMlPerDay)) {
    const shortest = Math.ceil(volume.mul(1440).div(model.maxRateMlPerDay).toNumber());
    add('CLINICIAN_BOLUS_RATE_ABOVE_MAX', 'hard', `${str(volume)} mL over ${input.durationMinutes} min is ${str(toPlaces(rate, 3))} mL/day, faster than the pump's maximum rate of ${model.maxRateMlPerDay} mL/day: give it over at least ${shortest} min`, {
      volume: str(volume),
      minutes: String(input.durationMinutes),
      rate: str(toPlaces(rate, 3)),
      maxRate: model.maxRateMlPerDay,
      shortest: String(shortest),
    });
  }
  const reservoir = dec(input.reservoirVolume.value);
  if (volume.gt(reservoir)) {
    add('BOLUS_RESERVOIR_INSUFFICIENT', 'hard', `the bolus needs ${str(volume)} mL and the reservoir holds ${str(reservoir)} mL: refill first`, { volume: str(volume), reservoir: str(reservoir) });
  } else if (reservoir.minus(volume).lt(input.alarmVolume.value)) {
    add('BOLUS_RESERVOIR_BELOW_ALARM', 'soft', `after the bolus the reservoir holds ${str(reservoir.minus(volume))} mL, below the low-reservoir alarm at ${input.alarmVolume.value} mL: plan the refill`, { left: str(reservoir.minus(volume)), alarm: input.alarmVolume.value });
  }
  if (input.bridgeRunning) add('BOLUS_BRIDGE_RUNNING', 'hard', 'a bridge bolus is still running: no other bolus until it has ended', {});
  if (input.kind === 'priming' && input.catheterPrimed !== false) {
    add('PRIMING_CATHETER_PRIMED', 'hard', 'the catheter is already primed (or this was not answered): a priming bolus would push its whole volume of drug into the patient at once — an overdose', {});
  }
  const doses = running.components.map((component, index) => {
    const mass = massOf(component.concentration.unit);
    const dose = toPlaces(volume.mul(concentrationIn(component.concentration, mass)), ROUNDING.dosePlaces);
    const earlier = input.earlier.filter((e) => e.drug === component.drug).reduce((sum, e) => sum.plus(convertMass(dec(e.dose.value), e.dose.unit, mass)), dec(0));
    const basal = running.mode === 'stopped' ? dec(0) : dailyDoseIn(component.maxDailyDoseWithBoluses, mass);
    const before = basal.plus(earlier);
    const withBolus = single ? before.plus(dose) : before;
    if (single) {
      const entry = library.entries.find((e) => e.drug === component.drug);
      const params = { component: String(index), drug: component.drug };
      const rules = entry?.clinicianBolus;
      if (entry !== undefined && rules?.notAllowed === true) {
        add('CLINICIAN_BOLUS_NOT_ALLOWED', 'hard', `the drug library allows no clinician bolus of ${component.drug}`, params);
      } else if (entry !== undefined && rules?.maxDose === undefined) {
        add('CLINICIAN_BOLUS_NO_LIMIT', 'soft', `the drug library sets no clinician bolus limit for ${component.drug}: check the dose against the patient's record`, params);
      } else if (entry !== undefined) {
        const inEntry = convertMass(dose, mass, entry.unit);
        const hit = above(inEntry, rules?.maxDose);
        if (hit) add('CLINICIAN_BOLUS_DOSE_ABOVE_MAX', hit.level, `a bolus of ${str(inEntry)} ${entry.unit} is above the ${hit.level} maximum of ${hit.limit} ${entry.unit}`, { ...params, dose: str(inEntry), max: hit.limit, unit: entry.unit });
      }
      if (entry !== undefined) {
        const total = convertMass(withBolus, mass, entry.unit);
        const ceiling = above(total, entry.dailyDose.max);
        if (ceiling) {
          add('BOLUS_DAILY_TOTAL_ABOVE_MAX', ceiling.level, `with this bolus the patient can receive ${str(total)} ${entry.unit}/day in 24 hours, above the ${ceiling.level} maximum of ${ceiling.limit} ${entry.unit}/day`, {
            ...params,
            dose: str(total),
            max: ceiling.limit,
            unit: `${entry.unit}/day`,
          });
        }
      }
    }
    return { drug: component.drug, dose: { value: str(dose), unit: mass }, total24hBefore: dailyDoseQ(toPlaces(before, ROUNDING.dosePlaces), mass), total24hWith: dailyDoseQ(toPlaces(withBolus, ROUNDING.dosePlaces), mass) };
  });
  return { rate: { value: str(toPlaces(volume.mul(60).div(input.durationMinutes), ROUNDING.volumePlaces)), unit: 'mL/h' }, doses };
}
