import { dec } from './decimal';
import { forecast, type Forecast, type ForecastInput } from './calc/refill';
import type { DrugLibrary } from './library/schema';
import type { ProgramSummary } from './program';
import type { Drug } from './pump';
import type { Result } from './result';
import { concentrationIn, type ConcentrationQ } from './units';

/**
 * Days the solution in the reservoir stays usable: the shortest of its drugs'. A drug's first fill
 * of a pump may be shorter (ziconotide binds to new surfaces), and a marketed product filled
 * undiluted may be longer.
 */
export function stabilityDaysFor(
  library: DrugLibrary,
  components: ReadonlyArray<{ drug: Drug; concentration: ConcentrationQ }>,
  firstFill: boolean,
): number | undefined {
  let days: number | undefined;
  for (const c of components) {
    const entry = library.entries.find((e) => e.drug === c.drug);
    const stability = entry?.stabilityDays;
    if (entry === undefined || stability === undefined) continue;
    const concentration = concentrationIn(c.concentration, entry.unit);
    const undiluted =
      components.length === 1 && (entry.concentration.products ?? []).some((p) => dec(p).eq(concentration));
    const own =
      firstFill && stability.firstFillDays !== undefined
        ? stability.firstFillDays
        : undiluted && stability.undilutedDays !== undefined
          ? stability.undilutedDays
          : stability.days;
    days = days === undefined ? own : Math.min(days, own);
  }
  return days;
}

/** The forecast's own input, with the program given as the therapy model's figures and the volumes as decimal strings. */
export type TherapyForecastInput = Omit<
  ForecastInput,
  'capacity' | 'alarmVolume' | 'fillVolume' | 'dailyVolume' | 'bolusVolumePerDay'
> & {
  /** The therapy model's figures of the program that will run (after the visit). */
  summary: ProgramSummary;
  capacityMl: string;
  alarmVolumeMl: string;
  /** The reservoir volume the forecast starts from. */
  fillVolumeMl: string;
};

/** The forecast of a program: every screen, report and the CLI take their dates from here. */
export const therapyForecast = (input: TherapyForecastInput): Result<Forecast> => {
  const dailyVolume = input.summary.mode === 'stopped' ? dec(0) : dec(input.summary.dailyVolume.value);
  const { summary, capacityMl, alarmVolumeMl, fillVolumeMl, ...dates } = input;
  return forecast({
    ...dates,
    capacity: dec(capacityMl),
    alarmVolume: dec(alarmVolumeMl),
    fillVolume: dec(fillVolumeMl),
    dailyVolume,
    bolusVolumePerDay:
      summary.mode === 'stopped' ? dec(0) : dec(summary.maxDailyVolume.value).minus(summary.dailyVolume.value),
  });
};
