import { dec, str, toPlaces, type Dec } from '../decimal';
import { defaultPumpModel, type PumpModel } from '../models';
import type { Drug } from '../pump';
import { err, ok, type Result } from '../result';
import { concentrationIn, convertMass, dailyDoseIn, massOf } from '../units';
import { libraryId } from './hash';
import type { DrugEntry, DrugLibrary, OpioidTolerance } from './schema';
import { said } from '../messages';
import { checkChange, checkIncreaseWithBoluses, checkStart } from './dose-change';
import { checkWindow, checkWindowWithBoluses } from './dose-window';
import type { ComponentFacts, DoseCheck, DoseCheckInput, PatientContext } from './facts';
import { levelAbove, levelBelow, verdictOf, verdictRank, type AddFinding, type Finding } from './findings';

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
    if (hit && (doseMax === undefined || verdictRank(hit.level) > verdictRank(doseMax.level))) {
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
        if (code === 'WINDOW_INCREASE_PERCENT_ABOVE_MAX') windowLevel = verdictRank(level);
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
