import { dec } from '../core/decimal';
import type { DrugLibrary, Indication } from '../core/library/schema';
import { checkDose, worse, type DoseCheck } from '../core/library/validate';
import type { PumpModel } from '../core/models';
import { diffPrograms, summarizeProgram, type ProgramDiffRow, type ProgramSummary, type TherapyProgram } from '../core/program';
import type { PumpSettings, PumpStatus } from '../core/pump';
import { appError, err, ok, type Result } from '../core/result';
import { concentrationIn, massOf, type DailyDoseQ, type HourlyDoseQ } from '../core/units';

/** Everything the Finish screen shows and the write relies on: one computation for both. */
export interface ProgramReview {
  before: ProgramSummary;
  after: ProgramSummary;
  rows: ProgramDiffRow[];
  check: DoseCheck;
  oldDailyDose: DailyDoseQ;
  newDailyDose: DailyDoseQ;
  oldPeakHourly: HourlyDoseQ;
  newPeakHourly: HourlyDoseQ;
  /** A dose increase needs the independent double check. */
  increase: boolean;
}

const bolusOf = (s: PumpSettings): TherapyProgram['patientBolus'] =>
  s.patientBolus === undefined ? undefined : { volume: { value: s.patientBolus.volumeMl, unit: 'mL' }, durationMinutes: s.patientBolus.durationMinutes, lockoutMinutes: s.patientBolus.lockoutMinutes, maxPerDay: s.patientBolus.maxPerDay };

const infusionOf = (mode: PumpSettings['mode'], rate: PumpSettings['rate'], steps: PumpSettings['steps']): TherapyProgram['infusion'] =>
  mode === 'continuous' ? { mode: 'continuous', rate } : mode === 'flex' ? { mode: 'flex', steps: steps ?? [] } : { mode: 'stopped' };

/** The running program as the pump reports it, flex steps and patient bolus included. */
export const programOfStatus = (status: PumpStatus): TherapyProgram => ({
  components: [{ drug: status.drug, concentration: status.concentration }],
  infusion: infusionOf(status.mode, status.rate, status.steps),
  patientBolus: status.patientBolus === undefined ? undefined : bolusOf({ ...status, patientBolus: status.patientBolus }),
});

export const programOfSettings = (s: PumpSettings): TherapyProgram => ({
  components: [{ drug: s.drug, concentration: s.concentration }],
  infusion: infusionOf(s.mode, s.rate, s.steps),
  patientBolus: bolusOf(s),
});

/** What the pump runs now, as settings to send again (a refill keeps the program as it is). */
export const settingsOfStatus = (status: PumpStatus): PumpSettings => ({
  drug: status.drug,
  concentration: status.concentration,
  mode: status.mode,
  rate: status.rate,
  ...(status.steps === undefined ? {} : { steps: status.steps }),
  ...(status.patientBolus === undefined ? {} : { patientBolus: status.patientBolus }),
});

/**
 * Reviews a continuous or stopped program of the drug the pump holds against what it runs now:
 * the summaries old and new, the field-by-field difference, and the drug library's verdict on the
 * infusion dose (change limits) and on the most the patient can receive with every allowed bolus.
 */
export function reviewProgram(
  library: DrugLibrary,
  model: PumpModel,
  old: PumpStatus,
  s: PumpSettings,
  indication: Indication | undefined,
  options: { bridged?: boolean } = {},
): Result<ProgramReview> {
  if (old.mode === 'flex' && old.steps === undefined) {
    return err(appError('COMMUNICATION_FAILED', 'the pump did not report its flex steps; interrogate it again; nothing was sent', 'pump'));
  }
  if (s.mode === 'flex' && (s.steps === undefined || s.steps.length === 0)) return err(appError('INVALID_INPUT', 'a flex program needs its steps', 'settings.steps'));
  // A new drug or concentration is only ever sent by the refill workflow, with its forced bridge bolus.
  const drugChange = s.drug !== old.drug;
  if (drugChange && options.bridged !== true) {
    return err(appError('INVALID_INPUT', 'a drug change needs the refill workflow with the reservoir rinse and the forced bridge bolus; nothing was sent', 'settings.drug'));
  }
  const mass = massOf(s.concentration.unit);
  const sameConcentration = massOf(old.concentration.unit) === mass && concentrationIn(s.concentration, mass).eq(concentrationIn(old.concentration, mass));
  if (!sameConcentration && options.bridged !== true) {
    return err(appError('INVALID_INPUT', 'a concentration change needs the refill workflow with its forced bridge bolus', 'settings.concentration'));
  }
  const before = summarizeProgram(programOfStatus(old), { model, reservoirVolume: old.reservoirVolume, alarmVolume: old.lowReservoirAlarmVolume });
  if (!before.ok) return before;
  const after = summarizeProgram(programOfSettings(s), { model, reservoirVolume: old.reservoirVolume, alarmVolume: old.lowReservoirAlarmVolume });
  if (!after.ok) return after;
  const o = before.value.components[0];
  const n = after.value.components[0];
  if (o === undefined || n === undefined) return err(appError('INTERNAL', 'no dose for the program'));
  // A new drug starts afresh: its dose is checked as a start, not as a change from another drug's.
  const previous = old.mode === 'stopped' || drugChange ? undefined : old.dailyDose;
  const infusion = checkDose(library, { drug: s.drug, concentration: s.concentration, dailyDose: n.dailyDose, previousDailyDose: previous, indication }, model);
  if (!infusion.ok) return infusion;
  let check = infusion.value;
  if (s.patientBolus !== undefined && !dec(n.maxDailyDoseWithBoluses.value).eq(n.dailyDose.value)) {
    // Every allowed patient bolus taken: the daily maximum must stay within the library too.
    const withBoluses = checkDose(library, { drug: s.drug, concentration: s.concentration, dailyDose: n.maxDailyDoseWithBoluses, indication }, model);
    if (!withBoluses.ok) return withBoluses;
    const extra = withBoluses.value.findings
      .filter((f) => f.code === 'DOSE_ABOVE_MAX' && !check.findings.some((g) => g.code === f.code && g.level === f.level))
      .map((f) => ({ ...f, params: { ...f.params, withBoluses: 'true' }, message: `${f.message} (with every allowed patient bolus)` }));
    check = { ...check, findings: [...check.findings, ...extra], verdict: extra.reduce((v, f) => worse(v, f.level), check.verdict) };
  }
  const oldDose = old.mode === 'stopped' ? { ...o.dailyDose, value: '0' } : o.dailyDose;
  return ok({
    before: before.value,
    after: after.value,
    rows: diffPrograms(before.value, after.value),
    check,
    oldDailyDose: oldDose,
    newDailyDose: n.dailyDose,
    oldPeakHourly: o.peakHourlyDose,
    newPeakHourly: n.peakHourlyDose,
    increase: drugChange || dec(n.dailyDose.value).gt(oldDose.value),
  });
}
