import { dec, maxOf, str, toPlaces, type Dec } from '../decimal';
import { defaultPumpModel, type PumpModel } from '../models';
import { err, ok, type Result } from '../result';
import {
  concentrationIn,
  dailyDoseQ,
  hourlyDoseQ,
  massOf,
  volumeQ,
  type ConcentrationQ,
  type DailyDoseQ,
  type HourlyDoseQ,
  type RateQ,
  type VolumeQ,
} from '../units';
import { checkPumpRate } from './limits';
import { ROUNDING } from './rounding';
import { said } from '../messages';
import { TIME_OF_DAY } from '../clock';

export interface FlexStep {
  /** "HH:MM", 00:00–23:59; the step runs until the next one starts, the last until midnight. */
  start: string;
  rate: RateQ;
}

export interface FlexSummary {
  dailyVolume: VolumeQ;
  dailyDose: DailyDoseQ;
  peakHourlyDose: HourlyDoseQ;
}

const MINUTES_PER_DAY = 1440;
/** A step's start: a time of day HH:MM from 00:00 to 23:59, the one grammar of core/clock.ts (the screens check with it too). */
export const HHMM = TIME_OF_DAY;

export const minutesOf = (hhmm: string): number | undefined => {
  const m = HHMM.exec(hhmm);
  return m === null ? undefined : Number(m[1]) * 60 + Number(m[2]);
};

/**
 * The rules of a flex day, for a program and for a physician's order alike: at least one step, at
 * most the model's, the first at 00:00, each start a time HH:MM after the one before. Each step's
 * start in minutes, or a typed error naming the step that breaks the day.
 */
export function stepStarts(
  steps: ReadonlyArray<{ start: string }>,
  model: PumpModel = defaultPumpModel(),
): Result<number[]> {
  if (steps.length === 0) return err(said('INVALID_INPUT', 'flexNoStep', {}, 'steps'));
  if (steps.length > model.maxFlexSteps)
    return err(
      said(
        'INVALID_INPUT',
        'flexTooManySteps',
        { max: String(model.maxFlexSteps), count: String(steps.length) },
        'steps',
      ),
    );
  const starts: number[] = [];
  for (const [i, step] of steps.entries()) {
    const minutes = minutesOf(step.start);
    if (minutes === undefined)
      return err(
        said('INVALID_INPUT', 'flexStepTimeFormat', { step: String(i + 1), start: step.start }, `steps.${i}.start`),
      );
    if (i === 0 && minutes !== 0) return err(said('INVALID_INPUT', 'flexFirstStepMidnight', {}, 'steps.0.start'));
    const previous = starts[i - 1];
    if (previous !== undefined && minutes <= previous) {
      return err(
        said(
          'INVALID_INPUT',
          'flexStepsOrder',
          { step: String(i + 1), start: step.start, previous: String(i) },
          `steps.${i}.start`,
        ),
      );
    }
    starts.push(minutes);
  }
  return ok(starts);
}

/**
 * The 24-hour dose of a day given as steps, each step's dose a daily rate (a physician's flex
 * order): Σ dose × minutes / 1440, to the places of a program's dose. The steps follow the one rule
 * of a flex day (`stepStarts`).
 */
export function stepsDailyDose(
  steps: ReadonlyArray<{ start: string; dailyDose: string }>,
  model: PumpModel = defaultPumpModel(),
): Result<string> {
  const starts = stepStarts(steps, model);
  if (!starts.ok) return starts;
  const total = steps
    .reduce(
      (sum, s, i) => sum.plus(dec(s.dailyDose).mul((starts.value[i + 1] ?? MINUTES_PER_DAY) - (starts.value[i] ?? 0))),
      dec(0),
    )
    .div(MINUTES_PER_DAY);
  return ok(str(toPlaces(total, ROUNDING.dosePlaces)));
}

/** Each step with its length in minutes, or a typed error naming the step that breaks the day. */
export function stepDurations(
  steps: readonly FlexStep[],
  model: PumpModel = defaultPumpModel(),
): Result<Array<{ rate: Dec; minutes: number }>> {
  const checked = stepStarts(steps, model);
  if (!checked.ok) return checked;
  const starts = checked.value;
  return ok(
    steps.map((step, i) => ({
      rate: dec(step.rate.value),
      minutes: (starts[i + 1] ?? MINUTES_PER_DAY) - (starts[i] ?? 0),
    })),
  );
}

/** Exact daily volume of a schedule: Σ rate × minutes / 1440 (not yet rounded). */
export const exactDailyVolume = (durations: ReadonlyArray<{ rate: Dec; minutes: number }>): Dec =>
  durations.reduce((sum, s) => sum.plus(s.rate.mul(s.minutes)), dec(0)).div(MINUTES_PER_DAY);

/**
 * The 24-hour totals and the peak hourly dose of a flex schedule: the figures that expose a
 * per-hour value entered where a per-day one was meant. A step the pump model cannot run (below its
 * minimum or above its maximum rate, or off its rate resolution) is refused, naming the step.
 */
export function flexSummary(
  input: { concentration: ConcentrationQ; steps: readonly FlexStep[] },
  model: PumpModel = defaultPumpModel(),
): Result<FlexSummary> {
  const durations = stepDurations(input.steps, model);
  if (!durations.ok) return durations;
  const mass = massOf(input.concentration.unit);
  const c = concentrationIn(input.concentration, mass);
  if (c.isZero()) return err(said('INVALID_INPUT', 'concentrationNotPositive', {}, 'concentration.value'));
  // Every step at a rate the pump can run (a step at zero stops delivery until the next one).
  for (const [i, step] of durations.value.entries()) {
    const limit = checkPumpRate(step.rate, model, `steps.${i}.rate.value`, {
      zeroAllowed: true,
      resolution: true,
      subject: `step ${i + 1} (${input.steps[i]?.start ?? ''})`,
    });
    if (!limit.ok) return limit;
  }
  const volume = exactDailyVolume(durations.value);
  const peakRate = maxOf(durations.value.map((s) => s.rate)) ?? dec(0);
  return ok({
    dailyVolume: volumeQ(toPlaces(volume, ROUNDING.volumePlaces)),
    dailyDose: dailyDoseQ(toPlaces(volume.mul(c), ROUNDING.dosePlaces), mass),
    peakHourlyDose: hourlyDoseQ(toPlaces(peakRate.mul(c).div(24), ROUNDING.dosePlaces), mass),
  });
}

export const formatMinutes = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
