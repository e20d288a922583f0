import type { Prescription } from '../core/api/schemas';
import { str, dec } from '../core/decimal';
import type { PumpStatus } from '../core/pump';
import { err, ok, type Result } from '../core/result';
import { sameDailyDose } from '../core/program';
import type { Db } from '../db/connection';
import { findPumpBySerial } from '../db/queries/records';
import { orderFor, sameConcentration } from './refill';
import { said } from '../core/messages';

/** Why an order cannot be carried out by the refill-only visit: the full refill wizard does it. */
export type VisitBlocker = 'admixture' | 'drugChange' | 'concentrationChange' | 'doseChange';

/** One line of the program, as shown before and after: every value in its canonical form. */
export interface ProgramRow {
  field: 'drug' | 'concentration' | 'mode' | 'rate' | 'dailyDose' | 'step' | 'patientBolus';
  /** The step's start time, for `step` rows. */
  label?: string;
  before: string;
  after: string;
  same: boolean;
}

export interface VisitCheck {
  eligible: boolean;
  blockers: VisitBlocker[];
  order: Prescription;
  /** The program as read now beside the program the refill re-sends (the same, for a visit). */
  program: { rows: ProgramRow[]; identical: boolean };
}

/** A program's values as text that compares equal exactly when the therapy is the same. */
function programValues(s: PumpStatus): Array<Omit<ProgramRow, 'after' | 'same'>> {
  const n = (v: string) => str(dec(v));
  const rows: Array<Omit<ProgramRow, 'after' | 'same'>> = [
    { field: 'drug', before: s.drug },
    { field: 'concentration', before: `${n(s.concentration.value)} ${s.concentration.unit}` },
    { field: 'mode', before: s.mode },
    { field: 'dailyDose', before: `${n(s.dailyDose.value)} ${s.dailyDose.unit}` },
  ];
  if (s.mode === 'flex')
    for (const step of s.steps ?? [])
      rows.push({ field: 'step', label: step.start, before: `${n(step.rate.value)} ${step.rate.unit}` });
  else rows.push({ field: 'rate', before: `${n(s.rate.value)} ${s.rate.unit}` });
  const b = s.patientBolus;
  if (b !== undefined)
    rows.push({
      field: 'patientBolus',
      before: `${n(b.volumeMl)} mL / ${b.durationMinutes} min / ${b.lockoutMinutes} min / ${b.maxPerDay}`,
    });
  return rows;
}

const rowKey = (r: { field: string; label?: string | undefined }) => `${r.field}@${r.label ?? ''}`;

/**
 * The program before beside the program after, row by row: the rows of either side, in order,
 * each marked the same or not. Identical only when every row of both sides is the same.
 */
export function compareProgram(before: PumpStatus, after: PumpStatus): { rows: ProgramRow[]; identical: boolean } {
  const a = programValues(before);
  const b = new Map(programValues(after).map((r) => [rowKey(r), r.before]));
  const rows: ProgramRow[] = a.map((r) => {
    const other = b.get(rowKey(r)) ?? '—';
    b.delete(rowKey(r));
    return { ...r, after: other, same: other === r.before };
  });
  for (const [key, value] of b) {
    const [field, label] = key.split('@') as [ProgramRow['field'], string];
    rows.push({ field, ...(label === '' ? {} : { label }), before: '—', after: value, same: false });
  }
  return { rows, identical: rows.every((r) => r.same) };
}

/**
 * Whether the order can be carried out by the refill-only visit, decided when it is chosen and
 * before anything is withdrawn: one drug, the drug, concentration and daily dose the pump runs.
 * Anything else (a new dose, a new concentration or drug, an admixture) is the full wizard's.
 * The refill itself still goes through `performRefill`, which applies every rule again.
 */
export function visitCheck(deps: { db: Db }, pump: PumpStatus, prescriptionId: number): Result<VisitCheck> {
  const registered = findPumpBySerial(deps.db, pump.serial);
  if (registered === undefined) return err(said('INVALID_INPUT', 'pumpNotRegistered', { serial: pump.serial }, 'pump'));
  const ordered = orderFor(deps, prescriptionId, registered);
  if (!ordered.ok) return ordered;
  const order = ordered.value;
  const blockers: VisitBlocker[] = [];
  const wanted = order.components[0];
  if (order.components.length !== 1 || wanted === undefined) blockers.push('admixture');
  else if (wanted.drug !== pump.drug) blockers.push('drugChange');
  else {
    if (!sameConcentration(wanted.concentration, pump.concentration)) blockers.push('concentrationChange');
    if (!sameDailyDose(wanted.dailyDose, pump.dailyDose)) blockers.push('doseChange');
  }
  // The visit re-sends the running program unchanged: after is the program as read.
  const program = compareProgram(pump, pump);
  return ok({ eligible: blockers.length === 0, blockers, order, program });
}
