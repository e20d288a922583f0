import { dec, str, toPlaces, type Dec } from '../decimal';
import { appError, err, ok, type Result } from '../result';
import { dailyDoseIn, type DailyDoseQ } from '../units';
import { levelAbove, levelBelow, pct, verdictRank, type AddFinding } from './findings';
import type { ComponentFacts } from './facts';
import type { DrugEntry, SpasticityOrigin } from './schema';

export const HOUR_MS = 3_600_000;

/**
 * Limits over the pump's own history within a rolling window: the increase over the lowest dose
 * programmed in the window (percent and absolute), the number of increases, and the time since
 * the last one. Only called for an increase.
 */
export function checkWindow(
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
export function checkWindowWithBoluses(
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
      if (code === 'WINDOW_INCREASE_PERCENT_ABOVE_MAX' && verdictRank(level) > windowLevel) {
        add('WINDOW_WITH_BOLUSES_ABOVE_MAX', level, `with every allowed patient bolus: ${message}`, params);
      }
    },
  );
}
