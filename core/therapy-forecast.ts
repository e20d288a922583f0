import { dec } from './decimal';
import { forecast, type Forecast } from './calc/refill';
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

export interface TherapyForecastInput {
  /** The therapy model's figures of the program that will run (after the visit). */
  summary: ProgramSummary;
  capacityMl: string;
  alarmVolumeMl: string;
  /** The reservoir volume the forecast starts from. */
  fillVolumeMl: string;
  /** The clinic's date the forecast starts from. */
  fillDate: string;
  stabilityDays?: number | undefined;
  beyondUseDate?: string | undefined;
  replaceByDate?: string | undefined;
  endOfService?: boolean | undefined;
  electiveReplacement?: boolean | undefined;
  eriToEosDays?: number | undefined;
  marginDays?: number | undefined;
}

/** The forecast of a program: every screen, report and the CLI take their dates from here. */
export const therapyForecast = (input: TherapyForecastInput): Result<Forecast> => {
  const dailyVolume = input.summary.mode === 'stopped' ? dec(0) : dec(input.summary.dailyVolume.value);
  return forecast({
    capacity: dec(input.capacityMl),
    alarmVolume: dec(input.alarmVolumeMl),
    fillVolume: dec(input.fillVolumeMl),
    dailyVolume,
    bolusVolumePerDay:
      input.summary.mode === 'stopped'
        ? dec(0)
        : dec(input.summary.maxDailyVolume.value).minus(input.summary.dailyVolume.value),
    fillDate: input.fillDate,
    stabilityDays: input.stabilityDays,
    beyondUseDate: input.beyondUseDate,
    replaceByDate: input.replaceByDate,
    endOfService: input.endOfService,
    electiveReplacement: input.electiveReplacement,
    eriToEosDays: input.eriToEosDays,
    marginDays: input.marginDays,
  });
};
