import * as z from 'zod';

/**
 * Quantities travel as decimal strings, never as binary floating point numbers, so the value a
 * clinician reviews is the exact value stored and sent (docs/cli.md).
 */
export const DecimalStringSchema = z
  .string()
  .max(40)
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a non-negative decimal number written with a dot, e.g. "12.5"');

/**
 * The grammar of a quantity typed into a form and sent on the wire (core/api/schemas.ts): up to six
 * digits before and after the dot. The one pattern the screens check their fields with.
 */
export const DECIMAL_INPUT = /^\d{1,6}(\.\d{1,6})?$/;

export const units = ['mg/mL', 'mcg/mL', 'mg/day', 'mcg/day', 'mg/h', 'mcg/h', 'mL/day', 'mL'] as const;
export const UnitSchema = z.enum(units);
export type Unit = z.infer<typeof UnitSchema>;

const quantitySchema = <U extends readonly [Unit, ...Unit[]]>(allowed: U) =>
  z.strictObject({ value: DecimalStringSchema, unit: z.enum(allowed) });

export const ConcentrationSchema = quantitySchema(['mg/mL', 'mcg/mL'] as const);
export const DailyDoseSchema = quantitySchema(['mg/day', 'mcg/day'] as const);
export const RateSchema = quantitySchema(['mL/day'] as const);
export const VolumeSchema = quantitySchema(['mL'] as const);

export type Concentration = z.infer<typeof ConcentrationSchema>;
export type DailyDose = z.infer<typeof DailyDoseSchema>;
export type Rate = z.infer<typeof RateSchema>;
export type Volume = z.infer<typeof VolumeSchema>;
export type Quantity = { value: string; unit: Unit };
