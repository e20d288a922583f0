import { dec } from '../core/decimal';
import type { DrugLibrary } from '../core/library/schema';
import { checkTherapy, type BatteryState, type TherapyCheck } from '../core/library/safety';
import { asRunningFinding, verdictOf } from '../core/library/findings';
import { type DoseCheck, type DoseHistoryEntry, type PatientContext } from '../core/library/facts';
import { compareReadBack } from './read-back';
import type { PumpModel } from '../core/models';
import { diffPrograms, type ProgramDiffRow } from '../core/program-diff';
import { programSchedule, type ScheduleStep } from '../core/program-schedule';
import { summarizeProgram, type ComponentSummary, type ProgramSummary, type TherapyProgram } from '../core/program';
import type { Drug, PumpSettings, PumpStatus } from '../core/pump';
import { appError, err, ok, type Result } from '../core/result';
import { concentrationIn, massOf, type DailyDoseQ, type HourlyDoseQ } from '../core/units';
import { said } from '../core/messages';

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
  /** Both programs' days as steps, from the therapy model. */
  schedule: { old: ScheduleStep[]; new: ScheduleStep[] };
}

const bolusOf = (s: PumpSettings): TherapyProgram['patientBolus'] =>
  s.patientBolus === undefined
    ? undefined
    : {
        volume: { value: s.patientBolus.volumeMl, unit: 'mL' },
        durationMinutes: s.patientBolus.durationMinutes,
        lockoutMinutes: s.patientBolus.lockoutMinutes,
        maxPerDay: s.patientBolus.maxPerDay,
      };

const infusionOf = (
  mode: PumpSettings['mode'],
  rate: PumpSettings['rate'],
  steps: PumpSettings['steps'],
): TherapyProgram['infusion'] =>
  mode === 'continuous'
    ? { mode: 'continuous', rate }
    : mode === 'flex'
      ? { mode: 'flex', steps: steps ?? [] }
      : { mode: 'stopped' };

/** The running program as the pump reports it, flex steps and patient bolus included. */
export const programOfStatus = (status: PumpStatus): TherapyProgram => ({
  components: [{ drug: status.drug, concentration: status.concentration }],
  infusion: infusionOf(status.mode, status.rate, status.steps),
  patientBolus:
    status.patientBolus === undefined ? undefined : bolusOf({ ...status, patientBolus: status.patientBolus }),
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

/** What the safety check knows besides the two programs: the patient, the pump's history, the time. */
export interface ReviewContext {
  patient?: PatientContext | undefined;
  history?: DoseHistory | undefined;
  now: string;
  /** A patient's pump through a wand (not the training simulator). */
  clinicalUse?: boolean | undefined;
}

export type DoseHistory = ReadonlyArray<{ drug: Drug } & DoseHistoryEntry>;

/** The battery state the safety check applies, from the pump's own alarms. */
export const batteryOf = (status: PumpStatus): BatteryState =>
  status.alarms.some((a) => a.code === 'EOS')
    ? 'end-of-service'
    : status.alarms.some((a) => a.code === 'ERI')
      ? 'elective-replacement'
      : 'ok';

/**
 * Reviews a program of the pump against what it runs now: the summaries old and new from the
 * therapy model, the field-by-field difference, and the one safety check (the drug library with
 * the pump's history and the patient, the battery state).
 */
export function reviewProgram(
  library: DrugLibrary,
  model: PumpModel,
  old: PumpStatus,
  s: PumpSettings,
  context: ReviewContext,
  options: { bridged?: boolean } = {},
): Result<ProgramReview> {
  if (old.mode === 'flex' && old.steps === undefined) {
    return err(said('COMMUNICATION_FAILED', 'flexStepsNotReported', {}, 'pump'));
  }
  if (s.mode === 'flex' && (s.steps === undefined || s.steps.length === 0))
    return err(said('INVALID_INPUT', 'flexStepsNeeded', {}, 'settings.steps'));
  // A new drug or concentration is only ever sent by the refill workflow, with its forced bridge bolus.
  const drugChange = s.drug !== old.drug;
  if (drugChange && options.bridged !== true) {
    return err(said('INVALID_INPUT', 'drugChangeNeedsRefill', {}, 'settings.drug'));
  }
  const mass = massOf(s.concentration.unit);
  const sameConcentration =
    massOf(old.concentration.unit) === mass &&
    concentrationIn(s.concentration, mass).eq(concentrationIn(old.concentration, mass));
  if (!sameConcentration && options.bridged !== true) {
    return err(said('INVALID_INPUT', 'concentrationChangeNeedsRefill', {}, 'settings.concentration'));
  }
  const running = programOfStatus(old);
  const before = summarizeProgram(running, {
    model,
    reservoirVolume: old.reservoirVolume,
    alarmVolume: old.lowReservoirAlarmVolume,
  });
  if (!before.ok) return before;
  const after = summarizeProgram(programOfSettings(s), {
    model,
    reservoirVolume: old.reservoirVolume,
    alarmVolume: old.lowReservoirAlarmVolume,
  });
  if (!after.ok) return after;
  const oldSchedule = programSchedule(running, model);
  if (!oldSchedule.ok) return oldSchedule;
  const newSchedule = programSchedule(programOfSettings(s), model);
  if (!newSchedule.ok) return newSchedule;
  const o = before.value.components[0];
  const n = after.value.components[0];
  if (o === undefined || n === undefined) return err(appError('INTERNAL', 'no dose for the program'));
  const checked = checkTherapy(
    library,
    {
      program: programOfSettings(s),
      running,
      history: context.history,
      patient: context.patient,
      battery: batteryOf(old),
      now: context.now,
      clinicalUse: context.clinicalUse,
    },
    model,
  );
  if (!checked.ok) return checked;
  const check = sameProgram(old, s) ? asRunning(checked.value) : checked.value;
  const stopped = old.mode === 'stopped';
  const oldDose = stopped ? { ...o.dailyDose, value: '0' } : o.dailyDose;
  const oldMax = stopped ? { ...o.maxDailyDoseWithBoluses, value: '0' } : o.maxDailyDoseWithBoluses;
  // A higher daily dose, or more drug the patient can take with every allowed bolus, is an increase.
  const increase =
    drugChange ||
    dec(n.dailyDose.value).gt(oldDose.value) ||
    dec(n.maxDailyDoseWithBoluses.value).gt(oldMax.value) ||
    bolusDoseRises(o.bolusDose, n.bolusDose);
  return ok({
    before: before.value,
    after: after.value,
    rows: diffPrograms(before.value, after.value),
    check: { verdict: check.verdict, findings: check.findings, library: check.library },
    oldDailyDose: oldDose,
    newDailyDose: n.dailyDose,
    oldPeakHourly: o.peakHourlyDose,
    newPeakHourly: n.peakHourlyDose,
    increase,
    schedule: { old: oldSchedule.value, new: newSchedule.value },
  });
}

/** A step of the schedule for the API: the pump's drug (its only component), as the Finish screen shows it. */
export const scheduleStepOf = (step: ScheduleStep) => {
  const d = step.doses[0];
  const none = { value: '0', unit: '' };
  return {
    start: step.start,
    end: step.end,
    rate: step.rate,
    dailyDose: d?.dailyDose ?? none,
    hourlyDose: d?.hourlyDose ?? none,
    stepDose: d?.stepDose ?? none,
  };
};

/** The pump would run exactly what it runs now (a refill re-sends its program). */
const sameProgram = (old: PumpStatus, s: PumpSettings): boolean =>
  compareReadBack({ sessionId: '', transactionId: old.lastTransactionId ?? '', settings: s }, old).length === 0;

/**
 * A program the pump already runs is not a new decision: refusing to send it again would stop a
 * refill and leave the patient without therapy. Its findings are shown and must be acknowledged
 * (soft), and the physician is told; only the battery's end of service stays hard.
 */
const asRunning = (check: TherapyCheck): TherapyCheck => {
  const findings = check.findings.map((f) => asRunningFinding(f));
  return { ...check, findings, verdict: verdictOf(findings) };
};

const bolusDoseRises = (before: ComponentSummary['bolusDose'], after: ComponentSummary['bolusDose']): boolean =>
  after !== undefined && (before === undefined || dec(after.value).gt(before.value));
