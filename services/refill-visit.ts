import type { Prescription } from '../core/api/schemas';
import { str, dec } from '../core/decimal';
import type { PumpStatus } from '../core/pump';
import { err, ok, type Result } from '../core/result';
import { summarizeProgram } from '../core/program';
import type { DailyDoseQ } from '../core/units';
import type { Db } from '../db/connection';
import { findPumpBySerial } from '../db/queries/records';
import { orderFor, visitBlockers, type VisitBlocker } from './refill-order';
import { programOfSettings, settingsOfStatus } from './program-review';
import type { PumpSettings } from '../core/pump';
import { said } from '../core/messages';

export type { VisitBlocker };

/** One side of the comparison: a program as settings, with its daily dose. */
export type ProgramSide = PumpSettings & { dailyDose: DailyDoseQ };

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
  /** The program as read now beside the program the visit sends (settingsOfStatus, as performRefill re-sends it). */
  program: { rows: ProgramRow[]; identical: boolean };
}

/** A program's values as text that compares equal exactly when the therapy is the same. */
function programValues(s: ProgramSide): Array<Omit<ProgramRow, 'after' | 'same'>> {
  // A dose the therapy model could not compute shows as '—' (and so differs).
  const n = (v: string) => (/^-?\d/.test(v) ? str(dec(v)) : v);
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
export function compareProgram(before: ProgramSide, after: ProgramSide): { rows: ProgramRow[]; identical: boolean } {
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
 * The program the refill-only visit sends: the running program as performRefill re-sends it
 * (settingsOfStatus), its daily dose computed from those settings by the therapy model, not copied
 * from the reading, so that the comparison with the reading can show a difference.
 */
export function visitProgram(pump: PumpStatus): ProgramSide {
  const settings = settingsOfStatus(pump);
  const summary = summarizeProgram(programOfSettings(settings));
  const dose = summary.ok ? summary.value.components[0]?.dailyDose : undefined;
  return { ...settings, dailyDose: dose ?? { value: '—', unit: pump.dailyDose.unit } };
}

/**
 * Whether the order can be carried out by the refill-only visit, decided when it is chosen and
 * before anything is withdrawn: the order is the running therapy as a whole (visitBlockers, the
 * rule performRefill applies again with refillOnly). Anything else is the full wizard's.
 */
export function visitCheck(deps: { db: Db }, pump: PumpStatus, prescriptionId: number): Result<VisitCheck> {
  const registered = findPumpBySerial(deps.db, pump.serial);
  if (registered === undefined) return err(said('INVALID_INPUT', 'pumpNotRegistered', { serial: pump.serial }, 'pump'));
  const ordered = orderFor(deps, prescriptionId, registered);
  if (!ordered.ok) return ordered;
  const order = ordered.value;
  const blockers = visitBlockers(order, pump);
  const program = compareProgram(pump, visitProgram(pump));
  return ok({ eligible: blockers.length === 0 && program.identical, blockers, order, program });
}
