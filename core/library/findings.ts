import { str, toPlaces, type Dec } from '../decimal';
import { ROUNDING } from '../calc/rounding';
import type { Bound } from './schema';

/** The findings a clinician bolus itself raises (the others concern the program around it). */
export const clinicianBolusFindingCodes = [
  'CLINICIAN_BOLUS_NOT_ALLOWED',
  'CLINICIAN_BOLUS_NO_LIMIT',
  'CLINICIAN_BOLUS_DOSE_ABOVE_MAX',
  'BOLUS_DAILY_TOTAL_ABOVE_MAX',
  'CLINICIAN_BOLUS_RATE_ABOVE_MAX',
  'BOLUS_RESERVOIR_INSUFFICIENT',
  'BOLUS_RESERVOIR_BELOW_ALARM',
  'BOLUS_BRIDGE_RUNNING',
  'PRIMING_CATHETER_PRIMED',
  'CLINICIAN_BOLUS_TOTAL_ABOVE_MAX',
  'CLINICIAN_BOLUS_INTERVAL_BELOW_MIN',
  'CLINICIAN_BOLUS_REPEAT_NO_LIMIT',
  'CLINICIAN_BOLUS_STILL_RUNNING',
  'PRIMING_REPEATED',
  'CLINICIAN_BOLUS_PUMP_STOPPED',
  'CLINICIAN_BOLUS_ABOVE_START_DOSE',
] as const;

export const findingCodes = [
  'CONCENTRATION_ABOVE_MAX',
  'CONCENTRATION_BELOW_MIN',
  'CONCENTRATION_NOT_A_PRODUCT',
  'DOSE_ABOVE_MAX',
  'DOSE_WITH_BOLUSES_ABOVE_MAX',
  'DOSE_BELOW_MIN',
  'PEAK_HOURLY_ABOVE_MAX',
  'PEAK_TO_AVERAGE_ABOVE_MAX',
  'INCREASE_WITH_BOLUSES_ABOVE_MAX',
  'BELOW_MIN_DELIVERABLE',
  'ABOVE_MAX_RATE',
  'START_DOSE_ABOVE_MAX',
  'START_WITH_BOLUSES_ABOVE_MAX',
  'INCREASE_PERCENT_ABOVE_MAX',
  'INCREASE_ABOVE_MAX',
  'DECREASE_PERCENT_ABOVE_MAX',
  'WINDOW_INCREASE_PERCENT_ABOVE_MAX',
  'WINDOW_INCREASE_ABOVE_MAX',
  'WINDOW_INCREASES_ABOVE_MAX',
  'WINDOW_INTERVAL_TOO_SHORT',
  'WINDOW_WITH_BOLUSES_ABOVE_MAX',
  'BOLUS_DOSE_ABOVE_MAX',
  'BOLUSES_PER_DAY_ABOVE_MAX',
  'BOLUS_NOT_ALLOWED',
  'BOLUS_OPIOID_NAIVE',
  ...clinicianBolusFindingCodes,
  'SCREENING_DOSE_ABOVE_MAX',
  'SCREENING_DOSE_NO_LIMIT',
  'THERAPY_STOP',
  'STOP_WITHDRAWAL_RISK',
  'PUMP_END_OF_SERVICE',
  'PUMP_ELECTIVE_REPLACEMENT',
  'LIBRARY_UNCONFIRMED',
  'ROTATION_INCREASE_PERCENT_ABOVE_MAX',
  'ROTATION_WINDOW_INCREASE_PERCENT_ABOVE_MAX',
  'ROTATION_WINDOW_INCREASE_ABOVE_MAX',
  'ROTATION_NO_EQUIVALENCE',
] as const;
export type FindingCode = (typeof findingCodes)[number];
export type Level = 'soft' | 'hard';
export type Verdict = 'ok' | Level;

/** One reason a program is not plainly acceptable: a code and parameters the UI translates. */
export interface Finding {
  code: FindingCode;
  level: Level;
  message: string;
  params: Record<string, string>;
}

const rank: Record<Verdict, number> = { ok: 0, soft: 1, hard: 2 };
export const worse = (a: Verdict, b: Verdict): Verdict => (rank[a] >= rank[b] ? a : b);
export const verdictRank = (v: Verdict): number => rank[v];
export const verdictOf = (findings: readonly Finding[]): Verdict =>
  findings.reduce<Verdict>((v, f) => worse(v, f.level), 'ok');

/** The level a value reaches against a maximum: hard beyond the hard threshold, else soft beyond the soft one. */
export const levelAbove = (value: Dec, bound: Bound | undefined): { level: Level; limit: string } | undefined => {
  if (bound?.hard !== undefined && value.gt(bound.hard)) return { level: 'hard', limit: bound.hard };
  if (bound?.soft !== undefined && value.gt(bound.soft)) return { level: 'soft', limit: bound.soft };
  return undefined;
};
export const levelBelow = (value: Dec, bound: Bound | undefined): { level: Level; limit: string } | undefined => {
  if (bound?.hard !== undefined && value.lt(bound.hard)) return { level: 'hard', limit: bound.hard };
  if (bound?.soft !== undefined && value.lt(bound.soft)) return { level: 'soft', limit: bound.soft };
  return undefined;
};

export const pct = (v: Dec): string => str(toPlaces(v, ROUNDING.percentPlaces));

export type AddFinding = (code: FindingCode, level: Level, message: string, params: Record<string, string>) => void;

/**
 * A hard finding about the program the pump already runs stays visible but does not refuse what is
 * done now: it is shown as soft and marked `running` (end of service stays hard, and so do the
 * codes `ownCodes` names: what the action itself raises).
 */
export const asRunningFinding = (f: Finding, ownCodes?: ReadonlySet<FindingCode>): Finding =>
  f.level === 'hard' && ownCodes?.has(f.code) !== true && f.code !== 'PUMP_END_OF_SERVICE'
    ? {
        ...f,
        level: 'soft',
        params: { ...f.params, running: 'true' },
        message: `the program the pump runs now: ${f.message}`,
      }
    : f;
