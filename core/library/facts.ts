import type { Drug } from '../pump';
import type { ConcentrationQ, DailyDoseQ, HourlyDoseQ, MassUnit } from '../units';
import type { Finding, Verdict } from './findings';
import type { Indication, OpioidTolerance, SpasticityOrigin } from './schema';

/** A confirmed program of the pump, as one drug's daily dose at the time it was applied. */
export interface DoseHistoryEntry {
  at: string;
  dailyDose: DailyDoseQ;
  /** The most that program gave with every allowed patient bolus, when it allowed any. */
  maxDailyDoseWithBoluses?: DailyDoseQ | undefined;
}

/** What the rules need to know about the patient; anything unknown is taken the stricter way. */
export interface PatientContext {
  indication?: Indication | undefined;
  tolerance?: OpioidTolerance | undefined;
  spasticityOrigin?: SpasticityOrigin | undefined;
}

/**
 * The figures of one drug of a program, as the therapy model derives them, plus what the pump ran
 * before and its history. Every rule of the drug library reads only these.
 */
export interface ComponentFacts {
  drug: Drug;
  concentration: ConcentrationQ;
  dailyDose: DailyDoseQ;
  peakHourlyDose?: HourlyDoseQ | undefined;
  maxDailyDoseWithBoluses?: DailyDoseQ | undefined;
  /** One patient bolus, in the component's mass unit. */
  bolusDose?: { value: string; unit: MassUnit } | undefined;
  bolusesPerDay?: number | undefined;
  /** The daily dose of this drug the pump runs now; undefined when it runs none (a start). */
  previousDailyDose?: DailyDoseQ | undefined;
  /** The most the running program gives with every allowed patient bolus. */
  previousMaxDailyDoseWithBoluses?: DailyDoseQ | undefined;
  /** Earlier confirmed programs of this drug on this pump, with their times. */
  history?: ReadonlyArray<DoseHistoryEntry> | undefined;
  /** The time of this change (ISO 8601); needed with `history`. */
  now?: string | undefined;
}

/** The dose-only input of `pumpctl check`, orders and screening doses. */
export interface DoseCheckInput {
  drug: Drug;
  concentration: ConcentrationQ;
  dailyDose: DailyDoseQ;
  previousDailyDose?: DailyDoseQ | undefined;
  indication?: Indication | undefined;
  tolerance?: OpioidTolerance | undefined;
  spasticityOrigin?: SpasticityOrigin | undefined;
  history?: ReadonlyArray<DoseHistoryEntry> | undefined;
  now?: string | undefined;
}

export interface DoseCheck {
  verdict: Verdict;
  findings: Finding[];
  library: { name: string; version: number; hash: string; confirmed: boolean };
}
