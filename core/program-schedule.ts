import { dec, str, toPlaces, type Dec } from './decimal';
import { formatMinutes, stepDurations } from './calc/flex';
import { ROUNDING } from './calc/rounding';
import { defaultPumpModel, type PumpModel } from './models';
import type { Drug } from './pump';
import { ok, type Result } from './result';
import {
  concentrationIn,
  dailyDoseQ,
  hourlyDoseQ,
  massOf,
  rateQ,
  type DailyDoseQ,
  type HourlyDoseQ,
  type MassUnit,
  type RateQ,
} from './units';
import { validateProgram, type TherapyProgram } from './program';

/** One step of a program's day, per drug: what the witness signs on, step by step. */
export interface ScheduleStep {
  /** "HH:MM" the step starts and ends (the last ends at "24:00"). */
  start: string;
  end: string;
  rate: RateQ;
  doses: Array<{
    drug: Drug;
    /** The step's rate as a dose per day: what the physician types for a flex step. */
    dailyDose: DailyDoseQ;
    /** The same per hour: a per-hour figure typed as per-day shows here. */
    hourlyDose: HourlyDoseQ;
    /** What the step delivers from its start to its end. */
    stepDose: { value: string; unit: MassUnit };
  }>;
}

/**
 * A program's 24 hours as steps, the one definition of a step's dose (shown on the Finish screen
 * and its chart): a continuous program is one step from 00:00 to 24:00, a stopped pump one step at
 * 0 mL/day. Doses rounded to ROUNDING.dosePlaces, as every other figure of the summary.
 */
export function programSchedule(
  program: TherapyProgram,
  model: PumpModel = defaultPumpModel(),
): Result<ScheduleStep[]> {
  const valid = validateProgram(program, model);
  if (!valid.ok) return valid;
  const infusion = program.infusion;
  let steps: Array<{ start: string; rate: Dec; minutes: number }>;
  if (infusion.mode === 'flex') {
    const durations = stepDurations(infusion.steps, model);
    if (!durations.ok) return durations;
    steps = durations.value.map((d, i) => ({ start: infusion.steps[i]?.start ?? '00:00', ...d }));
  } else {
    steps = [
      { start: '00:00', rate: infusion.mode === 'continuous' ? dec(infusion.rate.value) : dec(0), minutes: 1440 },
    ];
  }
  let from = 0;
  return ok(
    steps.map((step): ScheduleStep => {
      from += step.minutes;
      return {
        start: step.start,
        end: formatMinutes(from),
        rate: rateQ(step.rate),
        doses: program.components.map((c) => {
          const mass = massOf(c.concentration.unit);
          const perDay = step.rate.mul(concentrationIn(c.concentration, mass));
          return {
            drug: c.drug,
            dailyDose: dailyDoseQ(toPlaces(perDay, ROUNDING.dosePlaces), mass),
            hourlyDose: hourlyDoseQ(toPlaces(perDay.div(24), ROUNDING.dosePlaces), mass),
            stepDose: { value: str(toPlaces(perDay.mul(step.minutes).div(1440), ROUNDING.dosePlaces)), unit: mass },
          };
        }),
      };
    }),
  );
}
