import { dec, str, type Dec } from '../decimal';
import type { Drug } from '../pump';
import { appError, err, ok, type Result } from '../result';
import { dailyDoseIn, dailyDoseUnit, type DailyDoseQ } from '../units';
import { checkChange } from './dose-change';
import { checkWindow, HOUR_MS } from './dose-window';
import type { PatientContext } from './facts';
import type { AddFinding, FindingCode } from './findings';
import type { DrugLibrary } from './schema';

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
