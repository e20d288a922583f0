import { str, type Dec } from '../decimal';
import { dailyDoseIn } from '../units';
import { levelAbove, pct, verdictRank, type AddFinding } from './findings';
import type { ComponentFacts } from './facts';
import type { Bound, DrugEntry, Indication, OpioidTolerance } from './schema';

/** The per-change increase limit for the patient's indication; an unknown indication takes its own (stricter) row. */
const increasePercentBound = (entry: DrugEntry, indication: Indication | undefined): Bound | undefined =>
  indication === 'cancer'
    ? entry.increasePercent?.cancer
    : indication === 'non-cancer'
      ? entry.increasePercent?.nonCancer
      : entry.increasePercent?.unknown;

/**
 * The starting-dose limit for a patient: the opioid-tolerant one where the library has one and the
 * patient is known to be tolerant, else the (stricter) one for the opioid-naive.
 */
export const startDoseBound = (
  entry: DrugEntry,
  tolerance: OpioidTolerance | undefined,
): { bound: Bound | undefined; tolerant: boolean } => {
  const tolerant = tolerance === 'tolerant' && entry.startDoseTolerant !== undefined;
  return { bound: tolerant ? entry.startDoseTolerant : entry.startDose, tolerant };
};

/**
 * A start (no dose of this drug runs now): the daily dose, and the most with every allowed patient
 * bolus, against the starting-dose limit — a large bolus is a higher start by another door.
 */
export function checkStart(
  entry: DrugEntry,
  dose: Dec,
  withBoluses: Dec | undefined,
  tolerance: OpioidTolerance | undefined,
  add: AddFinding,
): void {
  const { bound, tolerant } = startDoseBound(entry, tolerance);
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
  if (most && (start === undefined || verdictRank(most.level) > verdictRank(start.level))) {
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

export function checkChange(
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
    const hit = levelAbove(percent, increasePercentBound(entry, indication));
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

/**
 * The most the patient can take with every allowed bolus rises by the same per-change limit as the
 * daily dose: a larger bolus is a dose increase by another door.
 */
export function checkIncreaseWithBoluses(
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
  const hit = levelAbove(percent, increasePercentBound(entry, indication));
  if (hit)
    add(
      'INCREASE_WITH_BOLUSES_ABOVE_MAX',
      hit.level,
      `with every allowed patient bolus the most the patient can take rises by ${pct(percent)} %, above the ${hit.level} limit of ${hit.limit} % per change`,
      { percent: pct(percent), max: hit.limit },
    );
}
