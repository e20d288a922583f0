import { dec } from './decimal';
import { percentChange } from './calc/dose';
import type { ProgramSummary } from './program';

/** One line of the Finish screen: a setting, its old and new value, and the change. */
export interface ProgramDiffRow {
  field: string;
  old: string | undefined;
  new: string | undefined;
  changed: boolean;
  /** Percent change of a numeric value, when both sides are numbers in the same unit. */
  percentChange?: string;
}

const quantityText = (q: { value: string; unit: string } | undefined): string | undefined =>
  q === undefined ? undefined : `${q.value} ${q.unit}`;

/** Field-by-field comparison of two program summaries, for the old-beside-new review. */
export function diffPrograms(before: ProgramSummary | undefined, after: ProgramSummary): ProgramDiffRow[] {
  const rows: ProgramDiffRow[] = [];
  const add = (
    field: string,
    o: { value: string; unit: string } | string | undefined,
    n: { value: string; unit: string } | string | undefined,
  ) => {
    const oldText = typeof o === 'string' || o === undefined ? o : quantityText(o);
    const newText = typeof n === 'string' || n === undefined ? n : quantityText(n);
    const row: ProgramDiffRow = { field, old: oldText, new: newText, changed: oldText !== newText };
    if (typeof o === 'object' && typeof n === 'object' && o.unit === n.unit) {
      const p = percentChange(dec(o.value), dec(n.value));
      if (p !== undefined) row.percentChange = p;
    }
    rows.push(row);
  };
  add('mode', before?.mode, after.mode);
  add('dailyVolume', before?.dailyVolume, after.dailyVolume);
  add('peakRate', before?.peakRate, after.peakRate);
  add('maxDailyVolume', before?.maxDailyVolume, after.maxDailyVolume);
  const drugsInOrder = [
    ...new Set([...(before?.components ?? []).map((c) => c.drug), ...after.components.map((c) => c.drug)]),
  ];
  for (const drug of drugsInOrder) {
    const o = before?.components.find((c) => c.drug === drug);
    const n = after.components.find((c) => c.drug === drug);
    add(`${drug}.concentration`, o?.concentration, n?.concentration);
    add(`${drug}.dailyDose`, o?.dailyDose, n?.dailyDose);
    add(`${drug}.peakHourlyDose`, o?.peakHourlyDose, n?.peakHourlyDose);
    add(`${drug}.maxDailyDoseWithBoluses`, o?.maxDailyDoseWithBoluses, n?.maxDailyDoseWithBoluses);
  }
  add('daysToAlarm', before?.daysToAlarm, after.daysToAlarm);
  return rows;
}
