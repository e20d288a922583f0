import * as z from 'zod';
import { dec, str, toPlaces, type Dec } from './decimal';
import { addDays, parseDate } from './calc/dates';
import type { OpioidTolerance } from './library/schema';
import type { Drug } from './pump';
import { DecimalStringSchema } from './quantity';

/**
 * Oral morphine equivalents of the systemic opioids a patient takes before and just after the
 * implant. For display and for deriving opioid tolerance only: never used to program a pump.
 * Factors: CDC Clinical Practice Guideline for Prescribing Opioids for Pain, 2022 (oral routes,
 * transdermal fentanyl); parenteral morphine 3:1, parenteral hydromorphone 20:1 and parenteral
 * fentanyl 0.3 per mcg from usual equianalgesic tables (to be verified by the site pharmacist).
 */
export const systemicOpioids = {
  'morphine/oral': { factor: '1', unit: 'mg/day' },
  'morphine/parenteral': { factor: '3', unit: 'mg/day' },
  'oxycodone/oral': { factor: '1.5', unit: 'mg/day' },
  'hydromorphone/oral': { factor: '5', unit: 'mg/day' },
  'hydromorphone/parenteral': { factor: '20', unit: 'mg/day' },
  'fentanyl/transdermal': { factor: '2.4', unit: 'mcg/h' },
  'fentanyl/parenteral': { factor: '0.3', unit: 'mcg/day' },
  'hydrocodone/oral': { factor: '1', unit: 'mg/day' },
  'oxymorphone/oral': { factor: '3', unit: 'mg/day' },
  'methadone/oral': { factor: '4.7', unit: 'mg/day' },
  'tapentadol/oral': { factor: '0.4', unit: 'mg/day' },
  'tramadol/oral': { factor: '0.2', unit: 'mg/day' },
  'codeine/oral': { factor: '0.15', unit: 'mg/day' },
} as const;
export type SystemicOpioidKind = keyof typeof systemicOpioids;
export const systemicOpioidKinds = Object.keys(systemicOpioids) as SystemicOpioidKind[];

const IsoDate = z.iso.date();
export const SystemicOpioidInputSchema = z
  .strictObject({
    kind: z.enum(systemicOpioidKinds as [SystemicOpioidKind, ...SystemicOpioidKind[]]),
    /** In the kind's unit: mg/day, mcg/day, or mcg/h for a patch. */
    dose: DecimalStringSchema,
    startDate: IsoDate,
    stopDate: IsoDate.optional(),
  })
  .refine((r) => r.stopDate === undefined || r.stopDate >= r.startDate, {
    message: 'the stop date is on or after the start date',
    path: ['stopDate'],
  });
export type SystemicOpioidInput = z.infer<typeof SystemicOpioidInputSchema>;

/** Oral morphine equivalent of one record, in mg/day. */
export const oralMorphineEquivalent = (kind: SystemicOpioidKind, dose: string): Dec =>
  dec(dose).mul(systemicOpioids[kind].factor);

/** The day total of oral morphine equivalents on a clinic date (records running that day). */
export function omeOnDate(records: readonly SystemicOpioidInput[], date: string): Dec {
  return records
    .filter((r) => r.startDate <= date && (r.stopDate === undefined || r.stopDate >= date))
    .reduce((sum, r) => sum.plus(oralMorphineEquivalent(r.kind, r.dose)), dec(0));
}

/**
 * The day total over time, as a step series: one point where any record starts, the day after any
 * stops, and today — each the total from that date on (for the chart beside the intrathecal dose).
 */
export function omeSteps(
  records: readonly SystemicOpioidInput[],
  today: string,
): Array<{ date: string; omeMgPerDay: string }> {
  const dates = new Set<string>([today]);
  for (const r of records) {
    dates.add(r.startDate);
    if (r.stopDate !== undefined) {
      const after = addDays(r.stopDate, 1);
      if (after !== undefined) dates.add(after);
    }
  }
  return [...dates]
    .filter((d) => d <= today)
    .sort()
    .map((date) => ({ date, omeMgPerDay: omeText(omeOnDate(records, date)) }));
}

/** The usual definition: at least 60 mg/day oral morphine equivalent for at least a week. */
export const TOLERANCE_OME_MG_PER_DAY = '60';
export const TOLERANCE_DAYS = 7;
/** Tolerance is assumed to last this many days after such a week ends (to be verified locally). */
export const TOLERANCE_PERSISTS_DAYS = 14;

/**
 * Opioid tolerance from the systemic record: tolerant when on each of 7 consecutive days, ending
 * no more than 14 days before `today`, the patient took ≥ 60 mg/day oral morphine equivalent;
 * naive when records exist and show no such week; unknown when nothing is recorded (the rules
 * then treat the patient as naive).
 */
export function toleranceFromRecords(records: readonly SystemicOpioidInput[], today: string): OpioidTolerance {
  if (records.length === 0) return 'unknown';
  if (parseDate(today) === undefined) return 'unknown';
  let run = 0;
  for (let back = TOLERANCE_PERSISTS_DAYS + TOLERANCE_DAYS - 1; back >= 0; back--) {
    const date = addDays(today, -back);
    if (date === undefined) continue;
    run = omeOnDate(records, date).gte(TOLERANCE_OME_MG_PER_DAY) ? run + 1 : 0;
    if (run >= TOLERANCE_DAYS) return 'tolerant';
  }
  return 'naive';
}

export const opioidDrugs: readonly Drug[] = ['morphine', 'hydromorphone', 'fentanyl', 'sufentanil'];

/**
 * A patient whose pump has infused an opioid without a break for the last 7 days is tolerant
 * whatever the systemic record says; otherwise the record decides.
 */
export function opioidTolerance(
  records: readonly SystemicOpioidInput[],
  today: string,
  intrathecalOpioidDays: number,
): OpioidTolerance {
  if (intrathecalOpioidDays >= TOLERANCE_DAYS) return 'tolerant';
  return toleranceFromRecords(records, today);
}

/** A figure for display: the day's total rounded to 0.1 mg. */
export const omeText = (value: Dec): string => str(toPlaces(value, 1));
