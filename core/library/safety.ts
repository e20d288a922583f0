import type { ClinicianBolusFigures, ClinicianBolusInput } from './clinician-bolus';
import { checkClinicianBolus } from './clinician-bolus-check';
import { type PumpModel } from '../models';
import { summarizeProgram, type ProgramSummary, type TherapyProgram } from '../program';
import type { Drug } from '../pump';
import { dec } from '../decimal';
import { err, ok, type Result } from '../result';
import type { DrugLibrary } from './schema';
import { opioidDrugs } from '../opioids';
import { checkComponent, libraryOf } from './validate';
import { checkOpioidRotation, type OpioidDose } from './opioid-rotation';
import { verdictOf, type Finding } from './findings';
import { type DoseCheck, type DoseHistoryEntry, type PatientContext } from './facts';
import { said } from '../messages';

/** The battery state that limits what may be programmed: at end of service only a stop. */
export type BatteryState = 'ok' | 'elective-replacement' | 'end-of-service';

export interface SafetyInput {
  /** The program to send. */
  program: TherapyProgram;
  /** What the pump runs now; undefined for a pump with no therapy yet. */
  running?: TherapyProgram | undefined;
  /** The pump's confirmed programs with their times, per drug (newest last or in any order). */
  history?: ReadonlyArray<{ drug: Drug } & DoseHistoryEntry> | undefined;
  patient?: PatientContext | undefined;
  battery?: BatteryState | undefined;
  /** The time of this change (ISO 8601). */
  now: string;
  /** A bolus the physician gives through the wand on top of `program` (which the pump runs now). */
  clinicianBolus?: ClinicianBolusInput | undefined;
  /**
   * The program is for a patient's pump (a wand, not the training simulator): a library no
   * pharmacist has confirmed is then used only with a recorded acknowledgement.
   */
  clinicalUse?: boolean | undefined;
}

export interface TherapyCheck extends DoseCheck {
  /** The therapy model's figures for the program that was checked. */
  summary: ProgramSummary;
  /** With a clinician bolus: its rate, and per drug its dose and the 24-hour total before and with it. */
  clinicianBolus?: ClinicianBolusFigures;
}

/**
 * The one safety check every path takes before anything reaches the pump — programming, stop,
 * refill, concentration and drug change: the program's figures from the therapy model, each drug
 * against the library (a start or a change from what runs now, the windows over the pump's own
 * history, the patient bolus), and the pump's battery state.
 */
export function checkTherapy(library: DrugLibrary, input: SafetyInput, model: PumpModel): Result<TherapyCheck> {
  const summary = summarizeProgram(input.program, { model });
  if (!summary.ok) return summary;
  // Nothing delivered is a stop, with a stop's own rules (a reason, the withdrawal warning, the
  // stopped-pumps list): a running program at zero is never sent. (A pump may report one; reading it is not refused.)
  if (summary.value.mode !== 'stopped' && dec(summary.value.dailyVolume.value).isZero()) {
    return err(said('INVALID_INPUT', 'stopIsNotAMode', {}, summary.value.mode === 'continuous' ? 'rate' : 'steps'));
  }
  const running = input.running === undefined ? undefined : summarizeProgram(input.running, { model });
  if (running !== undefined && !running.ok) return running;
  const findings: Finding[] = [];
  const add = (code: Finding['code'], level: Finding['level'], message: string, params: Record<string, string>) =>
    findings.push({ code, level, message, params });
  const stopping = input.program.infusion.mode === 'stopped';
  if (input.battery === 'end-of-service' && !stopping) {
    add(
      'PUMP_END_OF_SERVICE',
      'hard',
      'the pump battery has reached end of service: the pump can only be stopped; replace the pump',
      {},
    );
  } else if (input.battery === 'elective-replacement' && !stopping) {
    add(
      'PUMP_ELECTIVE_REPLACEMENT',
      'soft',
      'the pump battery has reached its elective replacement indicator: schedule the pump replacement',
      {},
    );
  }
  if (input.clinicalUse === true && library.confirmedBy === null) {
    add(
      'LIBRARY_UNCONFIRMED',
      'soft',
      `drug library "${library.name}" version ${library.version} is not confirmed by a pharmacist: using it on a patient's pump needs an acknowledgement with a reason`,
      { name: library.name, version: String(library.version) },
    );
  }
  const patient = input.patient ?? {};
  const historyOf = new Map<Drug, Array<{ drug: Drug } & DoseHistoryEntry>>();
  for (const h of input.history ?? []) {
    const list = historyOf.get(h.drug);
    if (list === undefined) historyOf.set(h.drug, [h]);
    else list.push(h);
  }
  for (const [index, component] of summary.value.components.entries()) {
    const before = running?.value.components.find((c) => c.drug === component.drug);
    const previous = before === undefined || running?.value.mode === 'stopped' ? undefined : before.dailyDose;
    const bolus = input.program.patientBolus;
    const r = checkComponent(
      library,
      {
        drug: component.drug,
        concentration: component.concentration,
        dailyDose: component.dailyDose,
        peakHourlyDose: component.peakHourlyDose,
        maxDailyDoseWithBoluses: component.maxDailyDoseWithBoluses,
        bolusDose: component.bolusDose,
        bolusesPerDay: bolus?.maxPerDay,
        previousDailyDose: previous,
        previousMaxDailyDoseWithBoluses: previous === undefined ? undefined : before?.maxDailyDoseWithBoluses,
        history: historyOf.get(component.drug),
        now: input.now,
      },
      patient,
      model,
      (code, level, message, params) =>
        add(code, level, message, { ...params, component: String(index), drug: component.drug }),
    );
    if (!r.ok) return r;
  }
  // One opioid replacing another, now or within the window, is measured in morphine equivalents.
  const opioids = (components: ProgramSummary['components']): OpioidDose[] =>
    components.filter((c) => opioidDrugs.includes(c.drug)).map((c) => ({ drug: c.drug, dailyDose: c.dailyDose }));
  if (!stopping) {
    const rotation = checkOpioidRotation(
      library,
      {
        next: opioids(summary.value.components),
        running: running === undefined || running.value.mode === 'stopped' ? [] : opioids(running.value.components),
        history: (input.history ?? []).filter((h) => opioidDrugs.includes(h.drug)),
        now: input.now,
      },
      patient,
      add,
    );
    if (!rotation.ok) return rotation;
  }
  // A drug the pump runs now and the new program leaves out (a drug change) is stopped: a stop with its withdrawal warning.
  if (running !== undefined && running.value.mode !== 'stopped') {
    for (const component of running.value.components) {
      if (summary.value.components.some((c) => c.drug === component.drug) || component.dailyDose.value === '0')
        continue;
      const r = checkComponent(
        library,
        {
          drug: component.drug,
          concentration: component.concentration,
          dailyDose: { ...component.dailyDose, value: '0' },
          previousDailyDose: component.dailyDose,
        },
        patient,
        model,
        (code, level, message, params) => add(code, level, message, { ...params, drug: component.drug }),
      );
      if (!r.ok) return r;
    }
  }
  const bolus =
    input.clinicianBolus === undefined
      ? undefined
      : checkClinicianBolus(library, summary.value, input.clinicianBolus, model, add);
  return ok({
    verdict: verdictOf(findings),
    findings,
    library: libraryOf(library),
    summary: summary.value,
    ...(bolus === undefined ? {} : { clinicianBolus: bolus }),
  });
}
