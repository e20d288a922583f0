import { programSchedule } from '../core/program-schedule';
import { sameDailyDose } from '../core/program';
import type { PumpStatus } from '../core/pump';
import { err, ok, type AppError, type Result } from '../core/result';
import type { ImplantedPumpRow } from '../db/queries/records';
import type { ProgrammingDeps } from './programming-request';
import { programOfStatus } from './program-review';
import { prescriptionOfRow } from './orders';
import { findPrescription } from '../db/queries/clinical';
import type { Prescription } from '../core/api/schemas';
import { said } from '../core/messages';
import { sameConcentration } from './refill-plan';

/** The order the refill carries out: open, for this patient (and this pump, when it names one), one drug. */
export function orderFor(
  deps: Pick<ProgrammingDeps, 'db'>,
  id: number,
  registered: ImplantedPumpRow,
): Result<Prescription> {
  const row = findPrescription(deps.db, id);
  if (row === undefined) return err(said('INVALID_INPUT', 'noSuchOrder', { id: String(id) }, 'prescriptionId'));
  if (row.status !== 'open')
    return err(said('CONFLICT', 'orderNotOpenForRefill', { id: String(id), status: row.status }, 'prescriptionId'));
  if (row.patientId !== registered.patientId)
    return err(said('INVALID_INPUT', 'orderOtherPatient', { id: String(id) }, 'prescriptionId'));
  if (row.pumpId !== null && row.pumpId !== registered.id)
    return err(said('INVALID_INPUT', 'orderOtherPump', { id: String(id) }, 'prescriptionId'));
  const order = prescriptionOfRow(row);
  if (order.components.length !== 1)
    return err(said('INVALID_INPUT', 'orderIsAdmixture', { id: String(id) }, 'prescriptionId'));
  return ok(order);
}

/** Why an order is not the therapy the pump runs, as a whole: the full refill wizard does it. */
export type VisitBlocker =
  'admixture' | 'drugChange' | 'concentrationChange' | 'modeChange' | 'doseChange' | 'scheduleChange';

/**
 * The one rule of the refill-only visit (checked when the order is chosen and again when the
 * refill is performed): the order is the running therapy as a whole, the same drug and
 * concentration, the same mode, the same daily dose and, for a flex order that names its steps,
 * the same steps (each step's start and its dose per day, from the therapy model's
 * programSchedule, compared as sameDailyDose compares doses). A flex order without steps keeps the
 * running schedule. Empty when the visit may re-send the running program unchanged.
 */
export function visitBlockers(order: Prescription, pump: PumpStatus): VisitBlocker[] {
  const wanted = order.components[0];
  if (order.components.length !== 1 || wanted === undefined) return ['admixture'];
  if (wanted.drug !== pump.drug) return ['drugChange'];
  const blockers: VisitBlocker[] = [];
  if (!sameConcentration(wanted.concentration, pump.concentration)) blockers.push('concentrationChange');
  if (order.mode !== pump.mode) blockers.push('modeChange');
  if (!sameDailyDose(wanted.dailyDose, pump.dailyDose)) blockers.push('doseChange');
  if (order.mode === 'flex' && pump.mode === 'flex' && order.steps !== undefined) {
    const running = programSchedule(programOfStatus(pump));
    const same =
      running.ok &&
      running.value.length === order.steps.length &&
      running.value.every((step, i) => {
        const ordered = order.steps?.[i];
        const dose = step.doses[0]?.dailyDose;
        return (
          ordered !== undefined &&
          dose !== undefined &&
          ordered.start === step.start &&
          sameDailyDose({ value: ordered.dailyDose, unit: wanted.dailyDose.unit }, dose)
        );
      });
    if (!same) blockers.push('scheduleChange');
  }
  return blockers;
}

/** The refusal of `performRefill` with `refillOnly`: plain words, routing to the full refill. */
export function visitRefusal(order: Prescription, pump: PumpStatus): AppError | undefined {
  const id = String(order.id);
  for (const blocker of visitBlockers(order, pump)) {
    if (blocker === 'drugChange') return said('INVALID_INPUT', 'orderChangesDrug', { id }, 'prescriptionId');
    if (blocker === 'concentrationChange')
      return said('INVALID_INPUT', 'orderChangesConcentration', { id }, 'prescriptionId');
    if (blocker === 'modeChange') return said('INVALID_INPUT', 'orderChangesMode', { id }, 'prescriptionId');
    if (blocker === 'scheduleChange') return said('INVALID_INPUT', 'orderChangesSchedule', { id }, 'prescriptionId');
  }
  return undefined;
}
