import { dec, str, toPlaces, type Dec } from '../decimal';
import { defaultPumpModel, type PumpModel } from '../models';
import type { Drug } from '../pump';
import { appError, err, ok, type Result } from '../result';
import { concentrationIn, dailyDoseIn, type ConcentrationQ, type DailyDoseQ } from '../units';
import { ROUNDING } from '../calc/rounding';
import { libraryId } from './hash';
import type { Bound, DrugEntry, DrugLibrary, Indication } from './schema';

export const findingCodes = [
  'CONCENTRATION_ABOVE_MAX',
  'CONCENTRATION_NOT_A_PRODUCT',
  'DOSE_ABOVE_MAX',
  'DOSE_BELOW_MIN',
  'BELOW_MIN_DELIVERABLE',
  'ABOVE_MAX_RATE',
  'START_DOSE_ABOVE_MAX',
  'INCREASE_PERCENT_ABOVE_MAX',
  'INCREASE_ABOVE_MAX',
  'DECREASE_PERCENT_ABOVE_MAX',
  'WINDOW_INCREASE_PERCENT_ABOVE_MAX',
  'WINDOW_INCREASES_ABOVE_MAX',
] as const;
export type FindingCode = (typeof findingCodes)[number];
export type Level = 'soft' | 'hard';
export type Verdict = 'ok' | Level;

/** One reason a dose is not plainly acceptable: a code and parameters the UI translates. */
export interface Finding {
  code: FindingCode;
  level: Level;
  message: string;
  params: Record<string, string>;
}

export interface DoseCheckInput {
  drug: Drug;
  concentration: ConcentrationQ;
  dailyDose: DailyDoseQ;
  previousDailyDose?: DailyDoseQ | undefined;
  indication?: Indication | undefined;
  /** Earlier programmed daily doses with their times, for the rolling-window limits. */
  history?: ReadonlyArray<{ at: string; dailyDose: DailyDoseQ }> | undefined;
  /** The time of this change (ISO 8601); needed with `history`. */
  now?: string | undefined;
}

export interface DoseCheck {
  verdict: Verdict;
  findings: Finding[];
  library: { name: string; version: number; hash: string; confirmed: boolean };
}

const rank: Record<Verdict, number> = { ok: 0, soft: 1, hard: 2 };
export const worse = (a: Verdict, b: Verdict): Verdict => (rank[a] >= rank[b] ? a : b);
export const verdictRank = (v: Verdict): number => rank[v];

/** The level a value reaches against a maximum: hard beyond the hard threshold, else soft beyond the soft one. */
const levelAbove = (value: Dec, bound: Bound | undefined): { level: Level; limit: string } | undefined => {
  if (bound?.hard !== undefined && value.gt(bound.hard)) return { level: 'hard', limit: bound.hard };
  if (bound?.soft !== undefined && value.gt(bound.soft)) return { level: 'soft', limit: bound.soft };
  return undefined;
};
const levelBelow = (value: Dec, bound: Bound | undefined): { level: Level; limit: string } | undefined => {
  if (bound?.hard !== undefined && value.lt(bound.hard)) return { level: 'hard', limit: bound.hard };
  if (bound?.soft !== undefined && value.lt(bound.soft)) return { level: 'soft', limit: bound.soft };
  return undefined;
};

const pct = (v: Dec): string => str(toPlaces(v, ROUNDING.percentPlaces));

/**
 * Checks a daily dose against the drug library and the pump's deliverable range. Every finding
 * carries a code, its level and its parameters; the verdict is the worst level found.
 */
export function checkDose(library: DrugLibrary, input: DoseCheckInput, model: PumpModel = defaultPumpModel()): Result<DoseCheck> {
  const entry = library.entries.find((e) => e.drug === input.drug);
  if (entry === undefined) return err(appError('INVALID_INPUT', `${input.drug} is not in the drug library "${library.name}"`, 'drug'));
  const unit = entry.unit;
  const c = concentrationIn(input.concentration, unit);
  if (c.isZero()) return err(appError('INVALID_INPUT', 'concentration must be greater than zero', 'concentration.value'));
  const dose = dailyDoseIn(input.dailyDose, unit);
  const previous = input.previousDailyDose === undefined ? undefined : dailyDoseIn(input.previousDailyDose, unit);
  const findings: Finding[] = [];
  const add = (code: FindingCode, level: Level, message: string, params: Record<string, string>) =>
    findings.push({ code, level, message, params });

  checkConcentration(entry, c, add);

  const doseMax = levelAbove(dose, entry.dailyDose.max);
  if (doseMax) add('DOSE_ABOVE_MAX', doseMax.level, `daily dose ${str(dose)} ${unit}/day is above the ${doseMax.level} maximum of ${doseMax.limit} ${unit}/day`, { dose: str(dose), max: doseMax.limit, unit: `${unit}/day` });
  if (!dose.isZero()) {
    const doseMin = levelBelow(dose, entry.dailyDose.min);
    if (doseMin) add('DOSE_BELOW_MIN', doseMin.level, `daily dose ${str(dose)} ${unit}/day is below the ${doseMin.level} minimum of ${doseMin.limit} ${unit}/day`, { dose: str(dose), min: doseMin.limit, unit: `${unit}/day` });
    checkDeliverable(dose, c, unit, model, add);
  }

  if (previous === undefined) {
    const start = levelAbove(dose, entry.startDose);
    if (start) add('START_DOSE_ABOVE_MAX', start.level, `a starting dose of ${str(dose)} ${unit}/day is above the ${start.level} limit of ${start.limit} ${unit}/day`, { dose: str(dose), max: start.limit, unit: `${unit}/day` });
  } else {
    checkChange(entry, dose, previous, input.indication, add);
  }
  if (previous !== undefined && input.history !== undefined && input.history.length > 0) {
    const windowResult = checkWindow(entry, dose, previous, input, add);
    if (!windowResult.ok) return windowResult;
  }

  const verdict = findings.reduce<Verdict>((v, f) => worse(v, f.level), 'ok');
  return ok({ verdict, findings, library: { ...libraryId(library), confirmed: library.confirmedBy !== null } });
}

type Add = (code: FindingCode, level: Level, message: string, params: Record<string, string>) => void;

function checkConcentration(entry: DrugEntry, c: Dec, add: Add): void {
  const unit = `${entry.unit}/mL`;
  const max = levelAbove(c, entry.concentration.max);
  if (max) add('CONCENTRATION_ABOVE_MAX', max.level, `concentration ${str(c)} ${unit} is above the ${max.level} maximum of ${max.limit} ${unit}`, { concentration: str(c), max: max.limit, unit });
  const products = entry.concentration.products;
  if (products !== undefined && products.length > 0 && !products.some((p) => dec(p).eq(c))) {
    add('CONCENTRATION_NOT_A_PRODUCT', entry.concentration.productsLevel, `concentration ${str(c)} ${unit} is not one of the listed products (${products.join(', ')} ${unit})`, { concentration: str(c), products: products.join(', '), unit });
  }
}

function checkDeliverable(dose: Dec, c: Dec, unit: string, model: PumpModel, add: Add): void {
  const minDose = dec(model.minRateMlPerDay).mul(c);
  if (dose.lt(minDose)) {
    add('BELOW_MIN_DELIVERABLE', 'hard', `${str(dose)} ${unit}/day is below the smallest dose this pump can deliver at this concentration: ${str(minDose)} ${unit}/day (${model.minRateMlPerDay} mL/day)`, { dose: str(dose), minimum: str(minDose), minRate: model.minRateMlPerDay, unit: `${unit}/day` });
  }
  const maxDose = dec(model.maxRateMlPerDay).mul(c);
  if (dose.gt(maxDose)) {
    add('ABOVE_MAX_RATE', 'hard', `${str(dose)} ${unit}/day needs more than the pump's maximum rate of ${model.maxRateMlPerDay} mL/day`, { dose: str(dose), maxRate: model.maxRateMlPerDay, unit: `${unit}/day` });
  }
}

function checkChange(entry: DrugEntry, dose: Dec, previous: Dec, indication: Indication | undefined, add: Add): void {
  const unit = `${entry.unit}/day`;
  if (dose.gt(previous)) {
    const increase = dose.minus(previous);
    if (!previous.isZero()) {
      const percent = increase.div(previous).mul(100);
      const bounds = entry.increasePercent;
      const bound = indication === 'cancer' ? bounds?.cancer : indication === 'non-cancer' ? bounds?.nonCancer : bounds?.unknown;
      const hit = levelAbove(percent, bound);
      if (hit) add('INCREASE_PERCENT_ABOVE_MAX', hit.level, `an increase of ${pct(percent)} % is above the ${hit.level} limit of ${hit.limit} % per change${indication === undefined ? ' (indication not given: the stricter limit applies)' : ` for ${indication} pain`}`, { percent: pct(percent), max: hit.limit, indication: indication ?? 'unknown' });
    }
    const abs = levelAbove(increase, entry.increaseAbsolute);
    if (abs) add('INCREASE_ABOVE_MAX', abs.level, `an increase of ${str(increase)} ${unit} is above the ${abs.level} limit of ${abs.limit} ${unit} per change`, { increase: str(increase), max: abs.limit, unit });
  } else if (dose.lt(previous) && !previous.isZero()) {
    const percent = previous.minus(dose).div(previous).mul(100);
    const hit = levelAbove(percent, entry.decreasePercent);
    if (hit) add('DECREASE_PERCENT_ABOVE_MAX', hit.level, `a decrease of ${pct(percent)} % is above the ${hit.level} limit of ${hit.limit} % per change: risk of withdrawal`, { percent: pct(percent), max: hit.limit });
  }
}

function checkWindow(entry: DrugEntry, dose: Dec, previous: Dec, input: DoseCheckInput, add: Add): Result<null> {
  const window = entry.window;
  if (window === undefined) return ok(null);
  const now = input.now === undefined ? NaN : Date.parse(input.now);
  if (Number.isNaN(now)) return err(appError('INVALID_INPUT', 'a history needs "now", the time of this change', 'now'));
  const since = now - window.hours * 3_600_000;
  const history = [...(input.history ?? [])]
    .map((h) => ({ t: Date.parse(h.at), dose: dailyDoseIn(h.dailyDose, entry.unit) }))
    .sort((a, b) => a.t - b.t);
  if (history.some((h) => Number.isNaN(h.t))) return err(appError('INVALID_INPUT', 'every history entry needs a valid time', 'history'));
  const inWindow = history.filter((h) => h.t > since && h.t <= now);
  // The lowest dose programmed within the window (or the current one) is the baseline.
  const baseline = [previous, ...inWindow.map((h) => h.dose)].reduce((m, v) => (v.lt(m) ? v : m));
  if (dose.gt(baseline) && !baseline.isZero()) {
    const percent = dose.minus(baseline).div(baseline).mul(100);
    const hit = levelAbove(percent, window.maxIncreasePercent);
    if (hit) add('WINDOW_INCREASE_PERCENT_ABOVE_MAX', hit.level, `${pct(percent)} % above the lowest dose of the last ${window.hours} h is over the ${hit.level} limit of ${hit.limit} %`, { percent: pct(percent), max: hit.limit, hours: String(window.hours) });
  }
  let increases = dose.gt(previous) ? 1 : 0;
  for (let i = 0; i < history.length; i++) {
    const h = history[i];
    const before = history[i - 1];
    if (h !== undefined && before !== undefined && h.t > since && h.t <= now && h.dose.gt(before.dose)) increases++;
  }
  const count = levelAbove(dec(increases), window.maxIncreases);
  if (count) add('WINDOW_INCREASES_ABOVE_MAX', count.level, `${increases} increases within ${window.hours} h is over the ${count.level} limit of ${count.limit}`, { count: String(increases), max: count.limit, hours: String(window.hours) });
  return ok(null);
}
