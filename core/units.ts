import * as z from 'zod';
import { type Dec, dec, str } from './decimal';
import { DecimalStringSchema } from './quantity';

/**
 * Units of the clinical quantities. Mass is mg or mcg (1 mg = 1000 mcg); every quantity keeps
 * the mass unit the clinician entered, and outputs use it too (docs/cli.md).
 */
export type MassUnit = 'mg' | 'mcg';
const concentrationUnits = ['mg/mL', 'mcg/mL'] as const;
const dailyDoseUnits = ['mg/day', 'mcg/day'] as const;
const hourlyDoseUnits = ['mg/h', 'mcg/h'] as const;
export type ConcentrationUnit = (typeof concentrationUnits)[number];
export type DailyDoseUnit = (typeof dailyDoseUnits)[number];
export type HourlyDoseUnit = (typeof hourlyDoseUnits)[number];

export const massOf = (unit: ConcentrationUnit | DailyDoseUnit | HourlyDoseUnit): MassUnit =>
  unit.startsWith('mcg') ? 'mcg' : 'mg';

const MCG_PER_MG = dec(1000);

/** Converts an amount of drug between mass units (exact: a power of ten). */
export const convertMass = (value: Dec, from: MassUnit, to: MassUnit): Dec => {
  if (from === to) return value;
  return from === 'mg' ? value.mul(MCG_PER_MG) : value.div(MCG_PER_MG);
};

export const concentrationUnit = (mass: MassUnit): ConcentrationUnit => `${mass}/mL`;
export const dailyDoseUnit = (mass: MassUnit): DailyDoseUnit => `${mass}/day`;
const hourlyDoseUnit = (mass: MassUnit): HourlyDoseUnit => `${mass}/h`;

/** A decimal string; a JSON number is refused with a hint, since floats cannot carry doses exactly. */
const amount = z
  .string({ error: 'write the value as a decimal string, e.g. "0.5", not as a number' })
  .pipe(DecimalStringSchema);
const quantity = <U extends readonly [string, ...string[]]>(units: U, label: string) =>
  z.strictObject(
    {
      value: amount,
      unit: z.enum(units, { error: () => `${label} unit must be one of ${units.join(', ')}` }),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field(s): ${issue.keys.join(', ')}`
          : `${label} must be {"value": "<decimal>", "unit": "<unit>"}`,
    },
  );

/** Quantity schemas as they arrive from a clinician, a file or stdin: strict, decimal strings only. */
export const StrictQuantity = {
  concentration: quantity(concentrationUnits, 'concentration'),
  dailyDose: quantity(dailyDoseUnits, 'daily dose'),
  hourlyDose: quantity(hourlyDoseUnits, 'hourly dose'),
  rate: quantity(['mL/day'] as const, 'rate'),
  volume: quantity(['mL'] as const, 'volume'),
};

export type ConcentrationQ = { value: string; unit: ConcentrationUnit };
export type DailyDoseQ = { value: string; unit: DailyDoseUnit };
export type HourlyDoseQ = { value: string; unit: HourlyDoseUnit };
export type RateQ = { value: string; unit: 'mL/day' };
export type VolumeQ = { value: string; unit: 'mL' };

export const rateQ = (value: Dec): RateQ => ({ value: str(value), unit: 'mL/day' });
export const volumeQ = (value: Dec): VolumeQ => ({ value: str(value), unit: 'mL' });
export const dailyDoseQ = (value: Dec, mass: MassUnit): DailyDoseQ => ({
  value: str(value),
  unit: dailyDoseUnit(mass),
});
export const hourlyDoseQ = (value: Dec, mass: MassUnit): HourlyDoseQ => ({
  value: str(value),
  unit: hourlyDoseUnit(mass),
});

/** A concentration's amount in the given mass unit per mL. */
export const concentrationIn = (c: ConcentrationQ, mass: MassUnit): Dec =>
  convertMass(dec(c.value), massOf(c.unit), mass);
/** A daily dose's amount in the given mass unit per day. */
export const dailyDoseIn = (d: DailyDoseQ, mass: MassUnit): Dec => convertMass(dec(d.value), massOf(d.unit), mass);
