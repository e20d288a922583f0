import { dec, maxOf, str, toPlaces, type Dec } from './decimal';
import { bridgeBolus, type Bridge } from './calc/bridge';
import { checkPumpRate } from './calc/limits';
import { exactDailyVolume, stepDurations, type FlexStep } from './calc/flex';
import { daysToAlarm } from './calc/refill';
import { ROUNDING } from './calc/rounding';
import { defaultPumpModel, type PumpModel } from './models';
import type { Drug } from './pump';
import { err, ok, type Result } from './result';
import {
  concentrationIn,
  dailyDoseQ,
  hourlyDoseQ,
  massOf,
  rateQ,
  volumeQ,
  type ConcentrationQ,
  type DailyDoseQ,
  type HourlyDoseQ,
  type RateQ,
  type VolumeQ,
} from './units';
import { said } from './messages';

/** One drug of the solution in the reservoir; an admixture has several. */
export interface Component {
  drug: Drug;
  concentration: ConcentrationQ;
}

export type Infusion = { mode: 'stopped' } | { mode: 'continuous'; rate: RateQ } | { mode: 'flex'; steps: FlexStep[] };

/** Patient-activated bolus via the patient remote. */
export interface PatientBolus {
  volume: VolumeQ;
  durationMinutes: number;
  lockoutMinutes: number;
  maxPerDay: number;
}

export interface TherapyProgram {
  components: Component[];
  infusion: Infusion;
  patientBolus?: PatientBolus | undefined;
}

export interface ComponentSummary {
  drug: Drug;
  concentration: ConcentrationQ;
  /** From the continuous or flex infusion alone. */
  dailyDose: DailyDoseQ;
  /** The highest hourly dose of any step. */
  peakHourlyDose: HourlyDoseQ;
  /** Per patient bolus, and the most all allowed boluses can add in a day. */
  bolusDose?: { value: string; unit: 'mg' | 'mcg' };
  maxDailyDoseWithBoluses: DailyDoseQ;
}

export interface ProgramSummary {
  mode: Infusion['mode'];
  /** Infusion volume over 24 hours. */
  dailyVolume: VolumeQ;
  peakRate: RateQ;
  /** Infusion plus every allowed patient bolus: what the refill forecast must assume. */
  maxDailyVolume: VolumeQ;
  /** The patient bolus's delivery rate, when one is set. */
  bolusRate?: RateQ;
  components: ComponentSummary[];
  daysToAlarm?: string;
}

/** Checks the structure of a program: steps covering 24 h, rates within the pump, sane bolus settings. */
export function validateProgram(
  program: TherapyProgram,
  model: PumpModel = defaultPumpModel(),
): Result<{ dailyVolume: Dec; peakRate: Dec }> {
  if (program.components.length === 0) return err(said('INVALID_INPUT', 'programNoDrug', {}, 'components'));
  if (program.components.length > 4) return err(said('INVALID_INPUT', 'admixtureTooMany', {}, 'components'));
  const seen = new Set<Drug>();
  for (const [i, c] of program.components.entries()) {
    if (seen.has(c.drug))
      return err(said('INVALID_INPUT', 'admixtureDrugTwice', { drug: c.drug }, `components.${i}.drug`));
    seen.add(c.drug);
    if (dec(c.concentration.value).isZero())
      return err(said('INVALID_INPUT', 'concentrationNotPositive', {}, `components.${i}.concentration.value`));
  }
  let dailyVolume: Dec;
  let peakRate: Dec;
  switch (program.infusion.mode) {
    case 'stopped':
      dailyVolume = dec(0);
      peakRate = dec(0);
      break;
    case 'continuous':
      dailyVolume = dec(program.infusion.rate.value);
      peakRate = dailyVolume;
      break;
    case 'flex': {
      const durations = stepDurations(program.infusion.steps, model);
      if (!durations.ok) return durations;
      dailyVolume = exactDailyVolume(durations.value);
      peakRate = maxOf(durations.value.map((s) => s.rate)) ?? dec(0);
      const rates = durations.value.map((s) => s.rate);
      for (const [i, r] of rates.entries()) {
        const rateCheck = checkRate(r, model, `infusion.steps.${i}.rate.value`);
        if (!rateCheck.ok) return rateCheck;
      }
      break;
    }
    default: {
      const never: never = program.infusion;
      return never;
    }
  }
  if (program.infusion.mode === 'continuous') {
    const rateCheck = checkRate(peakRate, model, 'infusion.rate.value');
    if (!rateCheck.ok) return rateCheck;
  }
  const bolus = program.patientBolus;
  if (bolus !== undefined) {
    if (!Number.isInteger(bolus.maxPerDay) || bolus.maxPerDay < 0 || bolus.maxPerDay > 24)
      return err(said('INVALID_INPUT', 'patientBolusPerDayRange', {}, 'patientBolus.maxPerDay'));
    if (!Number.isInteger(bolus.durationMinutes) || bolus.durationMinutes < 1)
      return err(said('INVALID_INPUT', 'patientBolusDurationMin', {}, 'patientBolus.durationMinutes'));
    if (!Number.isInteger(bolus.lockoutMinutes) || bolus.lockoutMinutes < bolus.durationMinutes) {
      return err(said('INVALID_INPUT', 'patientBolusLockoutShort', {}, 'patientBolus.lockoutMinutes'));
    }
    if (bolus.maxPerDay * bolus.lockoutMinutes > 1440)
      return err(said('INVALID_INPUT', 'patientBolusTooMany', {}, 'patientBolus.maxPerDay'));
    const volume = dec(bolus.volume.value);
    if (volume.isZero() || volume.isNegative())
      return err(said('INVALID_INPUT', 'patientBolusVolumeNotPositive', {}, 'patientBolus.volume.value'));
    const rate = bolusRate(volume, bolus.durationMinutes);
    if (rate.gt(model.maxRateMlPerDay)) {
      return err(
        said(
          'OUT_OF_RANGE',
          'patientBolusTooFast',
          {
            volume: str(volume),
            minutes: String(bolus.durationMinutes),
            rate: str(toPlaces(rate, 3)),
            limit: model.maxRateMlPerDay,
          },
          'patientBolus.durationMinutes',
        ),
      );
    }
  }
  return ok({ dailyVolume, peakRate });
}

/** The rate a bolus of `volume` over `minutes` runs at, in mL/day (not rounded). */
export const bolusRate = (volume: Dec, minutes: number): Dec => volume.mul(1440).div(minutes);

/**
 * Two doses are the same when they are equal at the resolution every figure is shown and compared
 * at (ROUNDING.dosePlaces): an order written as the Finish screen shows a dose matches the pump.
 */
export const sameDailyDose = (a: DailyDoseQ, b: DailyDoseQ): boolean => {
  if (massOf(a.unit) !== massOf(b.unit)) return false;
  return toPlaces(dec(a.value), ROUNDING.dosePlaces).eq(toPlaces(dec(b.value), ROUNDING.dosePlaces));
};

/** The pump model's range and resolution (core/calc/limits.ts); zero is a stop, judged by the mode. */
const checkRate = (rate: Dec, model: PumpModel, field: string): Result<null> =>
  checkPumpRate(rate, model, field, { zeroAllowed: true, resolution: true, code: 'INVALID_INPUT' });

/**
 * Everything the Finish screen shows about one program: per-drug daily dose and peak hourly dose,
 * the 24-h volume, the patient bolus maximum, and days to the low-reservoir alarm.
 */
export function summarizeProgram(
  program: TherapyProgram,
  options: { model?: PumpModel; reservoirVolume?: VolumeQ; alarmVolume?: VolumeQ } = {},
): Result<ProgramSummary> {
  const model = options.model ?? defaultPumpModel();
  const valid = validateProgram(program, model);
  if (!valid.ok) return valid;
  const { dailyVolume, peakRate } = valid.value;
  const bolus = program.patientBolus;
  const bolusDailyVolume = bolus === undefined ? dec(0) : dec(bolus.volume.value).mul(bolus.maxPerDay);
  const maxDailyVolume = dailyVolume.plus(bolusDailyVolume);
  const components = program.components.map((c): ComponentSummary => {
    const mass = massOf(c.concentration.unit);
    const conc = concentrationIn(c.concentration, mass);
    const summary: ComponentSummary = {
      drug: c.drug,
      concentration: c.concentration,
      dailyDose: dailyDoseQ(toPlaces(dailyVolume.mul(conc), ROUNDING.dosePlaces), mass),
      peakHourlyDose: hourlyDoseQ(toPlaces(peakRate.mul(conc).div(24), ROUNDING.dosePlaces), mass),
      maxDailyDoseWithBoluses: dailyDoseQ(toPlaces(maxDailyVolume.mul(conc), ROUNDING.dosePlaces), mass),
    };
    if (bolus !== undefined)
      summary.bolusDose = { value: str(toPlaces(dec(bolus.volume.value).mul(conc), ROUNDING.dosePlaces)), unit: mass };
    return summary;
  });
  const result: ProgramSummary = {
    mode: program.infusion.mode,
    dailyVolume: volumeQ(toPlaces(dailyVolume, ROUNDING.volumePlaces)),
    peakRate: rateQ(peakRate),
    maxDailyVolume: volumeQ(toPlaces(maxDailyVolume, ROUNDING.volumePlaces)),
    components,
  };
  if (bolus !== undefined)
    result.bolusRate = rateQ(
      toPlaces(bolusRate(dec(bolus.volume.value), bolus.durationMinutes), ROUNDING.volumePlaces),
    );
  if (options.reservoirVolume !== undefined && options.alarmVolume !== undefined && !maxDailyVolume.isZero()) {
    result.daysToAlarm = str(
      daysToAlarm(dec(options.reservoirVolume.value), dec(options.alarmVolume.value), maxDailyVolume),
    );
  }
  return ok(result);
}

/**
 * A change of concentration leaves the old solution in the tubing and catheter: the bridge bolus
 * is then required, never optional. Returns the bridge for each component whose concentration
 * changed (dose kept), or none.
 */
export function requiredBridges(
  before: TherapyProgram,
  after: TherapyProgram,
  deadVolume: VolumeQ,
  model: PumpModel = defaultPumpModel(),
): Result<Array<{ drug: Drug; bridge: Bridge }>> {
  const out: Array<{ drug: Drug; bridge: Bridge }> = [];
  const afterSummary = summarizeProgram(after, { model });
  if (!afterSummary.ok) return afterSummary;
  for (const n of after.components) {
    const o = before.components.find((c) => c.drug === n.drug);
    if (o === undefined) continue;
    const mass = massOf(n.concentration.unit);
    if (concentrationIn(o.concentration, mass).eq(concentrationIn(n.concentration, mass))) continue;
    const dose = afterSummary.value.components.find((c) => c.drug === n.drug)?.dailyDose;
    if (dose === undefined || dec(dose.value).isZero()) continue;
    const bridge = bridgeBolus(
      { dailyDose: dose, oldConcentration: o.concentration, newConcentration: n.concentration, deadVolume },
      model,
    );
    if (!bridge.ok) return bridge;
    out.push({ drug: n.drug, bridge: bridge.value });
  }
  return ok(out);
}

/** The pump's dead volume to bridge: its tubing plus the catheter's internal volume. */
export const deadVolume = (model: PumpModel, catheterVolumeMl: string): VolumeQ =>
  volumeQ(dec(model.tubingVolumeMl).plus(catheterVolumeMl));
