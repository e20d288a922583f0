import type { ApiParsedInput } from '../core/api/contract';
import type { ProgramPreview } from '../core/api/program-schemas';
import { rateForDose } from '../core/calc/dose';
import { dec } from '../core/decimal';
import type { DrugLibrary } from '../core/library/schema';
import type { PumpModel } from '../core/models';
import type { PumpSettings, PumpStatus } from '../core/pump';
import { err, ok, type Result } from '../core/result';
import { dailyDoseUnit, massOf, type RateQ } from '../core/units';
import type { Db } from '../db/connection';
import type { PatientRow } from '../db/queries/records';
import { unresolvedSession } from './safe-write';
import { reviewProgram, scheduleStepOf, type ReviewContext } from './program-review';
import { reviewedOf } from './programming-request';
import { said } from '../core/messages';

/** The programming screen's change: the mode and the daily doses, as the clinician types them. */
export type ProgramChange = ApiParsedInput<'program:preview'>;

/** The settings a dose change sends: each rate from its daily dose, rounded to the pump's step. */
export function settingsForChange(status: PumpStatus, model: PumpModel, change: ProgramChange): Result<PumpSettings> {
  const rateOf = (dailyDose: string, field: string): Result<RateQ> => {
    const r = rateForDose(
      {
        concentration: status.concentration,
        dailyDose: { value: dailyDose, unit: dailyDoseUnit(massOf(status.concentration.unit)) },
      },
      model,
    );
    if (!r.ok) return r;
    if (dec(r.value.rate.value).isZero())
      return err(
        said(
          'OUT_OF_RANGE',
          'doseBelowSmallestRate',
          { dose: dailyDose, unit: dailyDoseUnit(massOf(status.concentration.unit)) },
          field,
        ),
      );
    return ok(r.value.rate);
  };
  const bolus = change.patientBolus === undefined ? {} : { patientBolus: change.patientBolus };
  const base = { drug: status.drug, concentration: status.concentration };
  // A stopped pump gives nothing, patient boluses included.
  if (change.mode === 'stopped') return ok({ ...base, mode: 'stopped', rate: { value: '0', unit: 'mL/day' } });
  if (change.mode === 'continuous') {
    const rate = rateOf(change.dailyDose, 'dailyDose');
    return rate.ok ? ok({ ...base, mode: 'continuous', rate: rate.value, ...bolus }) : rate;
  }
  const steps: Array<{ start: string; rate: RateQ }> = [];
  for (const [i, step] of (change.steps ?? []).entries()) {
    const rate = rateOf(step.dailyDose, `steps.${i}.dailyDose`);
    if (!rate.ok) return rate;
    steps.push({ start: step.start, rate: rate.value });
  }
  if (steps.length === 0) return err(said('INVALID_INPUT', 'flexNoStep', {}, 'steps'));
  return ok({ ...base, mode: 'flex', rate: steps[0]?.rate ?? { value: '0', unit: 'mL/day' }, steps, ...bolus });
}

/** What a preview on this pump needs: the drug library's check of the change, and the pump's patient. */
export interface ReviewDeps {
  db: Db;
  library: DrugLibrary;
  model: PumpModel;
  context: ReviewContext;
  patient: PatientRow | undefined;
}

/**
 * The Finish screen of a program change: the settings exactly as they will be sent, old beside
 * new, and the drug-library check; refused while an earlier session on this pump is unresolved.
 */
export function previewProgram(deps: ReviewDeps, status: PumpStatus, change: ProgramChange): Result<ProgramPreview> {
  const blocked = unresolvedSession(deps.db, status.serial);
  if (blocked !== undefined) return err(blocked);
  const settings = settingsForChange(status, deps.model, change);
  if (!settings.ok) return settings;
  const review = reviewProgram(deps.library, deps.model, status, settings.value, deps.context);
  if (!review.ok) return review;
  const r = review.value;
  return ok({
    pumpSerial: status.serial,
    patient: deps.patient ?? null,
    // Built above with only the fields that are set.
    settings: settings.value,
    reviewed: reviewedOf(status),
    rows: r.rows.map((row) => ({
      field: row.field,
      changed: row.changed,
      ...(row.old === undefined ? {} : { old: row.old }),
      ...(row.new === undefined ? {} : { new: row.new }),
      ...(row.percentChange === undefined ? {} : { percentChange: row.percentChange }),
    })),
    oldDailyDose: r.oldDailyDose,
    newDailyDose: r.newDailyDose,
    totals: {
      old24h: r.oldDailyDose,
      new24h: r.newDailyDose,
      oldPeakHourly: r.oldPeakHourly,
      newPeakHourly: r.newPeakHourly,
    },
    check: r.check,
    witnessRequired: r.increase,
    // The pump's drug (the first component), step by step, from the therapy model.
    schedule: { old: r.schedule.old.map(scheduleStepOf), new: r.schedule.new.map(scheduleStepOf) },
    ...(status.bridge === undefined ? {} : { bridgeRunning: status.bridge.remaining }),
  });
}
