import { dec, str, toPlaces, type Dec } from '../decimal';
import { defaultPumpModel, type PumpModel } from '../models';
import type { Drug } from '../pump';
import { appError, err, ok, type Result } from '../result';
import {
  concentrationIn,
  convertMass,
  dailyDoseIn,
  dailyDoseUnit,
  massOf,
  type ConcentrationQ,
  type DailyDoseQ,
  type HourlyDoseQ,
  type MassUnit,
} from '../units';
import { ROUNDING } from '../calc/rounding';
import { libraryId } from './hash';
import type { Bound, DrugEntry, DrugLibrary, Indication, OpioidTolerance, SpasticityOrigin } from './schema';
import { said } from '../messages';

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

const rank: Record<Verdict, number> = { ok: 0, soft: 1, hard: 2 };
export const worse = (a: Verdict, b: Verdict): Verdict => (rank[a] >= rank[b] ? a : b);
export const verdictRank = (v: Verdict): number => rank[v];
export const verdictOf = (findings: readonly Finding[]): Verdict =>
  findings.reduce<Verdict>((v, f) => worse(v, f.level), 'ok');

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

export type AddFinding = (code: FindingCode, level: Level, message: string, params: Record<string, string>) => void;

export const findEntry = (library: DrugLibrary, drug: Drug): Result<DrugEntry> => {
  const entry = library.entries.find((e) => e.drug === drug);
  return entry === undefined
    ? err(said('INVALID_INPUT', 'drugNotInLibrary', { drug, library: library.name }, 'drug'))
    : ok(entry);
};

export const libraryOf = (library: DrugLibrary): DoseCheck['library'] => ({
  ...libraryId(library),
  confirmed: library.confirmedBy !== null,
});

/** The dose-only check: one component with no program around it. */
export function checkDose(
  library: DrugLibrary,
  input: DoseCheckInput,
  model: PumpModel = defaultPumpModel(),
): Result<DoseCheck> {
  const findings: Finding[] = [];
  const r = checkComponent(
    library,
    input,
    { indication: input.indication, tolerance: input.tolerance, spasticityOrigin: input.spasticityOrigin },
    model,
    (code, level, message, params) => findings.push({ code, level, message, params }),
  );
  if (!r.ok) return r;
  return ok({ verdict: verdictOf(findings), findings, library: libraryOf(library) });
}

/**
 * Every rule of the drug library for one drug of a program: concentration, daily dose, the most
 * with every allowed bolus, peak hourly dose, what the pump can deliver, a start or a change
 * against what runs now, the rolling windows over the pump's history, and the patient bolus.
 */
export function checkComponent(
  library: DrugLibrary,
  facts: ComponentFacts,
  patient: PatientContext,
  model: PumpModel,
  add: AddFinding,
): Result<null> {
  const found = findEntry(library, facts.drug);
  if (!found.ok) return found;
  const entry = found.value;
  const unit = entry.unit;
  const c = concentrationIn(facts.concentration, unit);
  if (c.isZero()) return err(said('INVALID_INPUT', 'concentrationNotPositive', {}, 'concentration.value'));
  const dose = dailyDoseIn(facts.dailyDose, unit);
  const previous = facts.previousDailyDose === undefined ? undefined : dailyDoseIn(facts.previousDailyDose, unit);

  checkConcentration(entry, c, add);
  const doseMax = levelAbove(dose, entry.dailyDose.max);
  if (doseMax)
    add(
      'DOSE_ABOVE_MAX',
      doseMax.level,
      `daily dose ${str(dose)} ${unit}/day is above the ${doseMax.level} maximum of ${doseMax.limit} ${unit}/day`,
      { dose: str(dose), max: doseMax.limit, unit: `${unit}/day` },
    );
  if (facts.maxDailyDoseWithBoluses !== undefined) {
    const withBoluses = dailyDoseIn(facts.maxDailyDoseWithBoluses, unit);
    const hit = withBoluses.gt(dose) ? levelAbove(withBoluses, entry.dailyDose.max) : undefined;
    if (hit && (doseMax === undefined || rank[hit.level] > rank[doseMax.level])) {
      add(
        'DOSE_WITH_BOLUSES_ABOVE_MAX',
        hit.level,
        `with every allowed patient bolus the daily dose reaches ${str(withBoluses)} ${unit}/day, above the ${hit.level} maximum of ${hit.limit} ${unit}/day`,
        { dose: str(withBoluses), max: hit.limit, unit: `${unit}/day` },
      );
    }
  }
  if (facts.peakHourlyDose !== undefined) {
    const peak = convertMass(dec(facts.peakHourlyDose.value), massOf(facts.peakHourlyDose.unit), unit);
    const hit = levelAbove(peak, entry.peakHourlyDose);
    if (hit)
      add(
        'PEAK_HOURLY_ABOVE_MAX',
        hit.level,
        `a peak of ${str(peak)} ${unit}/h is above the ${hit.level} maximum of ${hit.limit} ${unit}/h`,
        { dose: str(peak), max: hit.limit, unit: `${unit}/h` },
      );
    if (!dose.isZero()) {
      const ratio = toPlaces(peak.mul(24).div(dose), 1);
      const shape = levelAbove(ratio, entry.peakToAverage);
      if (shape)
        add(
          'PEAK_TO_AVERAGE_ABOVE_MAX',
          shape.level,
          `a peak of ${str(peak)} ${unit}/h is ${str(ratio)} times the day's average hourly dose, above the ${shape.level} limit of ${shape.limit} times: a bolus hidden in the schedule?`,
          { dose: str(peak), ratio: str(ratio), max: shape.limit, unit: `${unit}/h` },
        );
    }
  }
  if (!dose.isZero()) {
    const doseMin = levelBelow(dose, entry.dailyDose.min);
    if (doseMin)
      add(
        'DOSE_BELOW_MIN',
        doseMin.level,
        `daily dose ${str(dose)} ${unit}/day is below the ${doseMin.level} minimum of ${doseMin.limit} ${unit}/day`,
        { dose: str(dose), min: doseMin.limit, unit: `${unit}/day` },
      );
    checkDeliverable(dose, c, unit, model, add);
  }

  if (previous === undefined || previous.isZero()) {
    if (!dose.isZero())
      checkStart(
        entry,
        dose,
        facts.maxDailyDoseWithBoluses === undefined ? undefined : dailyDoseIn(facts.maxDailyDoseWithBoluses, unit),
        patient.tolerance,
        add,
      );
  } else {
    checkChange(entry, dose, previous, patient.indication, add);
  }
  let windowLevel = 0;
  if (facts.history !== undefined && facts.history.length > 0 && dose.gt(previous ?? 0)) {
    const windowResult = checkWindow(
      entry,
      dose,
      previous ?? dec(0),
      facts,
      patient.spasticityOrigin,
      (code, level, message, params) => {
        if (code === 'WINDOW_INCREASE_PERCENT_ABOVE_MAX') windowLevel = rank[level];
        add(code, level, message, params);
      },
    );
    if (!windowResult.ok) return windowResult;
  }
  const withBoluses = checkWindowWithBoluses(entry, facts, previous, patient.spasticityOrigin, windowLevel, add);
  if (!withBoluses.ok) return withBoluses;
  if (facts.bolusDose !== undefined) checkBolus(entry, facts, patient.tolerance, add);
  checkIncreaseWithBoluses(entry, facts, previous, patient.indication, add);
  return ok(null);
}

function checkConcentration(entry: DrugEntry, c: Dec, add: AddFinding): void {
  const unit = `${entry.unit}/mL`;
  const max = levelAbove(c, entry.concentration.max);
  if (max)
    add(
      'CONCENTRATION_ABOVE_MAX',
      max.level,
      `concentration ${str(c)} ${unit} is above the ${max.level} maximum of ${max.limit} ${unit}`,
      { concentration: str(c), max: max.limit, unit },
    );
  const min = levelBelow(c, entry.concentrationMin);
  if (min)
    add(
      'CONCENTRATION_BELOW_MIN',
      min.level,
      `concentration ${str(c)} ${unit} is below the ${min.level} minimum of ${min.limit} ${unit}`,
      { concentration: str(c), min: min.limit, unit },
    );
  const products = entry.concentration.products;
  if (products !== undefined && products.length > 0 && !products.some((p) => dec(p).eq(c))) {
    add(
      'CONCENTRATION_NOT_A_PRODUCT',
      entry.concentration.productsLevel,
      `concentration ${str(c)} ${unit} is not one of the listed products (${products.join(', ')} ${unit})`,
      { concentration: str(c), products: products.join(', '), unit },
    );
  }
}

function checkDeliverable(dose: Dec, c: Dec, unit: string, model: PumpModel, add: AddFinding): void {
  const minDose = dec(model.minRateMlPerDay).mul(c);
  if (dose.lt(minDose)) {
    add(
      'BELOW_MIN_DELIVERABLE',
      'hard',
      `${str(dose)} ${unit}/day is below the smallest dose this pump can deliver at this concentration: ${str(minDose)} ${unit}/day (${model.minRateMlPerDay} mL/day)`,
      { dose: str(dose), minimum: str(minDose), minRate: model.minRateMlPerDay, unit: `${unit}/day` },
    );
  }
  const maxDose = dec(model.maxRateMlPerDay).mul(c);
  if (dose.gt(maxDose)) {
    add(
      'ABOVE_MAX_RATE',
      'hard',
      `${str(dose)} ${unit}/day needs more than the pump's maximum rate of ${model.maxRateMlPerDay} mL/day`,
      { dose: str(dose), maxRate: model.maxRateMlPerDay, unit: `${unit}/day` },
    );
  }
}

/**
 * A start (no dose of this drug runs now): the daily dose, and the most with every allowed patient
 * bolus, against the starting-dose limit — a large bolus is a higher start by another door.
 */
function checkStart(
  entry: DrugEntry,
  dose: Dec,
  withBoluses: Dec | undefined,
  tolerance: OpioidTolerance | undefined,
  add: AddFinding,
): void {
  const tolerant = tolerance === 'tolerant' && entry.startDoseTolerant !== undefined;
  const bound = tolerant ? entry.startDoseTolerant : entry.startDose;
  const who = tolerant
    ? 'opioid-tolerant'
    : entry.startDoseTolerant === undefined
      ? 'any'
      : 'opioid-naive (or tolerance unknown)';
  const start = levelAbove(dose, bound);
  if (start) {
    add(
      'START_DOSE_ABOVE_MAX',
      start.level,
      `a starting dose of ${str(dose)} ${entry.unit}/day is above the ${start.level} limit of ${start.limit} ${entry.unit}/day for ${who} patients`,
      { dose: str(dose), max: start.limit, unit: `${entry.unit}/day`, tolerance: tolerant ? 'tolerant' : 'naive' },
    );
  }
  const most = withBoluses !== undefined && withBoluses.gt(dose) ? levelAbove(withBoluses, bound) : undefined;
  if (most && (start === undefined || rank[most.level] > rank[start.level])) {
    add(
      'START_WITH_BOLUSES_ABOVE_MAX',
      most.level,
      `with every allowed patient bolus a start reaches ${str(withBoluses ?? dose)} ${entry.unit}/day, above the ${most.level} starting limit of ${most.limit} ${entry.unit}/day for ${who} patients`,
      {
        dose: str(withBoluses ?? dose),
        max: most.limit,
        unit: `${entry.unit}/day`,
        tolerance: tolerant ? 'tolerant' : 'naive',
      },
    );
  }
}

function checkChange(
  entry: DrugEntry,
  dose: Dec,
  previous: Dec,
  indication: Indication | undefined,
  add: AddFinding,
): void {
  const unit = `${entry.unit}/day`;
  if (dose.gt(previous)) {
    const increase = dose.minus(previous);
    const percent = increase.div(previous).mul(100);
    const bounds = entry.increasePercent;
    const bound =
      indication === 'cancer' ? bounds?.cancer : indication === 'non-cancer' ? bounds?.nonCancer : bounds?.unknown;
    const hit = levelAbove(percent, bound);
    if (hit)
      add(
        'INCREASE_PERCENT_ABOVE_MAX',
        hit.level,
        `an increase of ${pct(percent)} % is above the ${hit.level} limit of ${hit.limit} % per change${indication === undefined ? ' (indication not given: the stricter limit applies)' : ` for ${indication} pain`}`,
        { percent: pct(percent), max: hit.limit, indication: indication ?? 'unknown' },
      );
    const abs = levelAbove(increase, entry.increaseAbsolute);
    if (abs)
      add(
        'INCREASE_ABOVE_MAX',
        abs.level,
        `an increase of ${str(increase)} ${unit} is above the ${abs.level} limit of ${abs.limit} ${unit} per change`,
        { increase: str(increase), max: abs.limit, unit },
      );
  } else if (dose.lt(previous)) {
    const percent = previous.minus(dose).div(previous).mul(100);
    if (dose.isZero()) {
      add(
        'THERAPY_STOP',
        'soft',
        `${entry.drug} is stopped: the patient receives none from now on; a reason is required`,
        { drug: entry.drug },
      );
      if (entry.withdrawalRisk)
        add(
          'STOP_WITHDRAWAL_RISK',
          'soft',
          `stopping ${entry.drug} abruptly can cause a withdrawal syndrome: plan a taper or a replacement`,
          { drug: entry.drug },
        );
      return;
    }
    const hit = levelAbove(percent, entry.decreasePercent);
    if (hit)
      add(
        'DECREASE_PERCENT_ABOVE_MAX',
        hit.level,
        `a decrease of ${pct(percent)} % is above the ${hit.level} limit of ${hit.limit} % per change: risk of withdrawal`,
        { percent: pct(percent), max: hit.limit },
      );
  }
}

const HOUR_MS = 3_600_000;

/**
 * Limits over the pump's own history within a rolling window: the increase over the lowest dose
 * programmed in the window (percent and absolute), the number of increases, and the time since
 * the last one. Only called for an increase.
 */
function checkWindow(
  entry: DrugEntry,
  dose: Dec,
  previous: Dec,
  facts: ComponentFacts,
  origin: SpasticityOrigin | undefined,
  add: AddFinding,
): Result<null> {
  const window = entry.window;
  if (window === undefined) return ok(null);
  const now = facts.now === undefined ? NaN : Date.parse(facts.now);
  if (Number.isNaN(now)) return err(appError('INVALID_INPUT', 'a history needs "now", the time of this change', 'now'));
  const since = now - window.hours * HOUR_MS;
  // Only the programs within the window and the one in force when it opened matter: the rest of
  // a pump's years of history is passed over. Times as toISOString writes them compare as text,
  // so those are not even parsed; any other form is.
  const sinceIso = new Date(since).toISOString();
  const nowIso = new Date(now).toISOString();
  const canonical = (at: string): boolean => at.length === 24 && at.charCodeAt(23) === 90 && at.charCodeAt(10) === 84;
  let opening: { t: number; dose: DailyDoseQ } | undefined;
  let openingText: { at: string; dose: DailyDoseQ } | undefined;
  const inside: Array<{ t: number; dose: DailyDoseQ }> = [];
  for (const h of facts.history ?? []) {
    if (canonical(h.at)) {
      if (h.at <= sinceIso) {
        if (openingText === undefined || h.at >= openingText.at) openingText = { at: h.at, dose: h.dailyDose };
        continue;
      }
      if (h.at > nowIso) continue;
    }
    const t = Date.parse(h.at);
    if (Number.isNaN(t)) return err(appError('INVALID_INPUT', 'every history entry needs a valid time', 'history'));
    if (t > now) continue;
    if (t > since) inside.push({ t, dose: h.dailyDose });
    else if (opening === undefined || t >= opening.t) opening = { t, dose: h.dailyDose };
  }
  if (openingText !== undefined) {
    const t = Date.parse(openingText.at);
    if (opening === undefined || t >= opening.t) opening = { t, dose: openingText.dose };
  }
  inside.sort((a, b) => a.t - b.t);
  const atOpening = opening === undefined ? undefined : dailyDoseIn(opening.dose, entry.unit);
  const inWindow = inside.map((h) => ({ t: h.t, dose: dailyDoseIn(h.dose, entry.unit) }));
  // The lowest dose that ran within the window; a stop is no baseline (a restart is measured against the dose before it).
  const running = [previous, ...(atOpening === undefined ? [] : [atOpening]), ...inWindow.map((h) => h.dose)].filter(
    (d) => !d.isZero(),
  );
  const baseline = running.length === 0 ? dec(0) : running.reduce((m, v) => (v.lt(m) ? v : m));
  const unit = `${entry.unit}/day`;
  const hours = String(window.hours);
  if (dose.gt(baseline)) {
    const rise = dose.minus(baseline);
    if (!baseline.isZero()) {
      const cerebral = origin !== 'spinal' && window.maxIncreasePercentCerebral !== undefined;
      const percent = rise.div(baseline).mul(100);
      const hit = levelAbove(percent, cerebral ? window.maxIncreasePercentCerebral : window.maxIncreasePercent);
      if (hit)
        add(
          'WINDOW_INCREASE_PERCENT_ABOVE_MAX',
          hit.level,
          `${pct(percent)} % above the lowest dose of the last ${hours} h is over the ${hit.level} limit of ${hit.limit} %${cerebral ? ' (spasticity of cerebral or unknown origin)' : ''}`,
          { percent: pct(percent), max: hit.limit, hours },
        );
    }
    const abs = levelAbove(rise, window.maxIncreaseAbsolute);
    if (abs)
      add(
        'WINDOW_INCREASE_ABOVE_MAX',
        abs.level,
        `${str(rise)} ${unit} above the lowest dose of the last ${hours} h is over the ${abs.level} limit of ${abs.limit} ${unit}`,
        { increase: str(rise), max: abs.limit, unit, hours },
      );
  }
  let increases = 1;
  let lastIncrease: number | undefined;
  inWindow.forEach((h, i) => {
    const before = i === 0 ? atOpening : inWindow[i - 1]?.dose;
    if (before === undefined || h.dose.gt(before)) {
      increases++;
      lastIncrease = h.t;
    }
  });
  const count = levelAbove(dec(increases), window.maxIncreases);
  if (count)
    add(
      'WINDOW_INCREASES_ABOVE_MAX',
      count.level,
      `${increases} increases within ${hours} h is over the ${count.level} limit of ${count.limit}`,
      { count: String(increases), max: count.limit, hours },
    );
  if (lastIncrease !== undefined && window.minIntervalHours !== undefined) {
    const elapsed = toPlaces(dec(now - lastIncrease).div(HOUR_MS), 1);
    const hit = levelBelow(elapsed, window.minIntervalHours);
    if (hit)
      add(
        'WINDOW_INTERVAL_TOO_SHORT',
        hit.level,
        `the last increase was ${str(elapsed)} h ago; increases are at least ${hit.limit} h apart (${hit.level} limit)`,
        { elapsed: str(elapsed), min: hit.limit },
      );
  }
  return ok(null);
}

/**
 * The window's percent limit over the most the patient can take with every allowed patient bolus:
 * bolus steps minutes apart (more boluses, then larger ones) are titration by another door. Said
 * only where it goes beyond what the daily dose's own window found.
 */
function checkWindowWithBoluses(
  entry: DrugEntry,
  facts: ComponentFacts,
  previous: Dec | undefined,
  origin: SpasticityOrigin | undefined,
  windowLevel: number,
  add: AddFinding,
): Result<null> {
  if (
    facts.history === undefined ||
    facts.history.length === 0 ||
    facts.bolusDose === undefined ||
    facts.maxDailyDoseWithBoluses === undefined
  )
    return ok(null);
  const most = dailyDoseIn(facts.maxDailyDoseWithBoluses, entry.unit);
  const before =
    facts.previousMaxDailyDoseWithBoluses === undefined
      ? (previous ?? dec(0))
      : dailyDoseIn(facts.previousMaxDailyDoseWithBoluses, entry.unit);
  if (!most.gt(before)) return ok(null);
  const history = facts.history.map((h) => ({ at: h.at, dailyDose: h.maxDailyDoseWithBoluses ?? h.dailyDose }));
  return checkWindow(
    entry,
    most,
    before,
    { ...facts, dailyDose: facts.maxDailyDoseWithBoluses, history },
    origin,
    (code, level, message, params) => {
      if (code === 'WINDOW_INCREASE_PERCENT_ABOVE_MAX' && rank[level] > windowLevel) {
        add('WINDOW_WITH_BOLUSES_ABOVE_MAX', level, `with every allowed patient bolus: ${message}`, params);
      }
    },
  );
}

/**
 * The most the patient can take with every allowed bolus rises by the same per-change limit as the
 * daily dose: a larger bolus is a dose increase by another door.
 */
function checkIncreaseWithBoluses(
  entry: DrugEntry,
  facts: ComponentFacts,
  previous: Dec | undefined,
  indication: Indication | undefined,
  add: AddFinding,
): void {
  // Without a patient bolus the most is the daily dose, whose change is checked already.
  if (
    facts.bolusDose === undefined ||
    facts.maxDailyDoseWithBoluses === undefined ||
    previous === undefined ||
    previous.isZero()
  )
    return;
  const before =
    facts.previousMaxDailyDoseWithBoluses === undefined
      ? previous
      : dailyDoseIn(facts.previousMaxDailyDoseWithBoluses, entry.unit);
  const after = dailyDoseIn(facts.maxDailyDoseWithBoluses, entry.unit);
  if (before.isZero() || !after.gt(before)) return;
  const percent = after.minus(before).div(before).mul(100);
  const bounds = entry.increasePercent;
  const bound =
    indication === 'cancer' ? bounds?.cancer : indication === 'non-cancer' ? bounds?.nonCancer : bounds?.unknown;
  const hit = levelAbove(percent, bound);
  if (hit)
    add(
      'INCREASE_WITH_BOLUSES_ABOVE_MAX',
      hit.level,
      `with every allowed patient bolus the most the patient can take rises by ${pct(percent)} %, above the ${hit.level} limit of ${hit.limit} % per change`,
      { percent: pct(percent), max: hit.limit },
    );
}

function checkBolus(
  entry: DrugEntry,
  facts: ComponentFacts,
  tolerance: OpioidTolerance | undefined,
  add: AddFinding,
): void {
  const rules = entry.patientBolus;
  if (rules === undefined || facts.bolusDose === undefined) return;
  if (rules.notAllowed) {
    add('BOLUS_NOT_ALLOWED', 'hard', `the drug library allows no patient bolus of ${entry.drug}`, { drug: entry.drug });
    return;
  }
  if (rules.tolerantOnly && tolerance !== 'tolerant') {
    add(
      'BOLUS_OPIOID_NAIVE',
      'hard',
      `no patient bolus of ${entry.drug} for a patient who is not known to be opioid-tolerant`,
      { drug: entry.drug },
    );
  }
  const bolus = convertMass(dec(facts.bolusDose.value), facts.bolusDose.unit, entry.unit);
  const hit = levelAbove(bolus, rules.maxDose);
  if (hit)
    add(
      'BOLUS_DOSE_ABOVE_MAX',
      hit.level,
      `a patient bolus of ${str(bolus)} ${entry.unit} is above the ${hit.level} maximum of ${hit.limit} ${entry.unit}`,
      { dose: str(bolus), max: hit.limit, unit: entry.unit },
    );
  if (facts.bolusesPerDay !== undefined) {
    const count = levelAbove(dec(facts.bolusesPerDay), rules.maxPerDay);
    if (count)
      add(
        'BOLUSES_PER_DAY_ABOVE_MAX',
        count.level,
        `${facts.bolusesPerDay} patient boluses a day is above the ${count.level} maximum of ${count.limit}`,
        { count: String(facts.bolusesPerDay), max: count.limit },
      );
  }
}

/** One opioid's daily dose as an opioid rotation sees it. */
export interface OpioidDose {
  drug: Drug;
  dailyDose: DailyDoseQ;
}

/** What an opioid rotation is measured against: the opioids now, before, and over the window. */
export interface RotationFacts {
  /** The opioids of the new program (none when it stops them). */
  next: readonly OpioidDose[];
  /** The opioids the pump runs now (none when it runs none or is stopped). */
  running: readonly OpioidDose[];
  /** The pump's confirmed programs' opioid doses with their times. */
  history: ReadonlyArray<OpioidDose & { at: string }>;
  now: string;
}

const ROTATION_CODES: Partial<Record<FindingCode, FindingCode>> = {
  INCREASE_PERCENT_ABOVE_MAX: 'ROTATION_INCREASE_PERCENT_ABOVE_MAX',
  WINDOW_INCREASE_PERCENT_ABOVE_MAX: 'ROTATION_WINDOW_INCREASE_PERCENT_ABOVE_MAX',
  WINDOW_INCREASE_ABOVE_MAX: 'ROTATION_WINDOW_INCREASE_ABOVE_MAX',
};

/**
 * An opioid rotation (one opioid replacing another, now or within the window) measured as one
 * dose in intrathecal morphine equivalents, against the reference opioid's per-change and window
 * limits: morphine 10 mg/day replaced by hydromorphone 4 mg/day is a doubling, whatever each drug's
 * own start limit says. A rotation to or from an opioid with no agreed equivalence is a soft finding
 * (the physician converts by hand and says why). Without a rotation each drug's own rules suffice.
 */
export function checkOpioidRotation(
  library: DrugLibrary,
  facts: RotationFacts,
  patient: PatientContext,
  add: AddFinding,
): Result<null> {
  const reference = library.entries.find(
    (e) => e.morphineEquivalent !== undefined && dec(e.morphineEquivalent.factor).eq(1),
  );
  const nextDrugs = new Set(facts.next.filter((d) => !dec(d.dailyDose.value).isZero()).map((d) => d.drug));
  if (nextDrugs.size === 0 || reference?.window === undefined) return ok(null);
  const now = Date.parse(facts.now);
  if (Number.isNaN(now))
    return err(appError('INVALID_INPUT', 'a rotation check needs "now", the time of this change', 'now'));
  const since = now - reference.window.hours * HOUR_MS;
  // The window's programs and the one in force when it opened.
  const opening = facts.history
    .filter((h) => Date.parse(h.at) <= since)
    .reduce<string | undefined>((m, h) => (m === undefined || h.at > m ? h.at : m), undefined);
  const relevant = facts.history.filter(
    (h) => (Date.parse(h.at) > since && Date.parse(h.at) <= now) || h.at === opening,
  );
  const others = [...facts.running, ...relevant].filter(
    (d) => !dec(d.dailyDose.value).isZero() && !nextDrugs.has(d.drug),
  );
  if (others.length === 0) return ok(null);
  const factorOf = (drug: Drug): Dec | undefined => {
    const f = library.entries.find((e) => e.drug === drug)?.morphineEquivalent?.factor;
    return f === undefined ? undefined : dec(f);
  };
  const involved = [...new Set([...nextDrugs, ...others.map((d) => d.drug)])];
  const missing = involved.filter((d) => factorOf(d) === undefined);
  if (missing.length > 0) {
    add(
      'ROTATION_NO_EQUIVALENCE',
      'soft',
      `an opioid rotation (${involved.join(' / ')}) with no agreed intrathecal equivalence for ${missing.join(', ')}: convert by hand, start low, and give the reason`,
      { drugs: involved.join(', '), missing: missing.join(', ') },
    );
    return ok(null);
  }
  const me = (doses: readonly OpioidDose[]): Dec =>
    doses.reduce((sum, d) => sum.plus(dailyDoseIn(d.dailyDose, reference.unit).mul(factorOf(d.drug) ?? 0)), dec(0));
  const unit = dailyDoseUnit(reference.unit);
  const asDose = (v: Dec): DailyDoseQ => ({ value: str(v), unit });
  const byTime = new Map<string, OpioidDose[]>();
  for (const h of relevant) byTime.set(h.at, [...(byTime.get(h.at) ?? []), h]);
  const history = [...byTime.entries()].map(([at, doses]) => ({ at, dailyDose: asDose(me(doses)) }));
  const next = me(facts.next);
  const before = me(facts.running);
  const translate: AddFinding = (code, level, message, params) => {
    const mapped = ROTATION_CODES[code];
    if (mapped !== undefined)
      add(mapped, level, `in intrathecal morphine equivalents across an opioid rotation: ${message}`, {
        ...params,
        drugs: involved.join(', '),
      });
  };
  if (!before.isZero()) checkChange(reference, next, before, patient.indication, translate);
  if (next.gt(before))
    return checkWindow(
      reference,
      next,
      before,
      {
        drug: reference.drug,
        concentration: { value: '1', unit: `${reference.unit}/mL` },
        dailyDose: asDose(next),
        history,
        now: facts.now,
      },
      undefined,
      translate,
    );
  return ok(null);
}
