import * as z from 'zod';
import { DrugSchema } from '../pump';
import { DecimalStringSchema } from '../quantity';

/**
 * A bound with a soft and/or a hard threshold. Above a soft maximum the clinician must
 * acknowledge with a reason; above a hard maximum the change cannot proceed (minimums mirror it).
 */
export const BoundSchema = z
  .strictObject({
    soft: DecimalStringSchema.optional(),
    hard: DecimalStringSchema.optional(),
    /** Where the figure comes from, shown to the pharmacist who confirms the library. */
    source: z.string().min(1).max(500),
  })
  .refine((b) => b.soft !== undefined || b.hard !== undefined, { message: 'a bound needs a soft or a hard threshold' });
export type Bound = z.infer<typeof BoundSchema>;

export const IndicationSchema = z.enum(['cancer', 'non-cancer']);
export type Indication = z.infer<typeof IndicationSchema>;

export const DrugEntrySchema = z.strictObject({
  drug: DrugSchema,
  /** The mass unit every dose and concentration figure of this entry is written in. */
  unit: z.enum(['mg', 'mcg']),
  concentration: z
    .strictObject({
      max: BoundSchema.optional(),
      /** The marketed concentrations; another one is a finding of `productsLevel`. */
      products: z.array(DecimalStringSchema).max(20).optional(),
      productsLevel: z.enum(['soft', 'hard']).default('soft'),
      productsSource: z.string().max(500).optional(),
    })
    .default({ productsLevel: 'soft' }),
  dailyDose: z.strictObject({ min: BoundSchema.optional(), max: BoundSchema.optional() }).default({}),
  /** Maximum first dose, when there is no previous dose to compare with. */
  startDose: BoundSchema.optional(),
  /** Maximum increase per change in percent of the previous dose, by indication. */
  increasePercent: z
    .strictObject({ cancer: BoundSchema.optional(), nonCancer: BoundSchema.optional(), unknown: BoundSchema.optional() })
    .optional(),
  /** Maximum increase per change in the entry's unit per day (e.g. ziconotide 2.4 mcg/day). */
  increaseAbsolute: BoundSchema.optional(),
  /** Maximum decrease per change in percent: withdrawal of baclofen or clonidine is dangerous. */
  decreasePercent: BoundSchema.optional(),
  /** Limits over a rolling window of past changes. */
  window: z
    .strictObject({
      hours: z.number().int().min(1).max(24 * 90),
      maxIncreasePercent: BoundSchema.optional(),
      maxIncreases: BoundSchema.optional(),
    })
    .optional(),
  stabilityDays: z.strictObject({ days: z.number().int().min(1).max(3650), source: z.string().max(500) }).optional(),
});
export type DrugEntry = z.infer<typeof DrugEntrySchema>;

export const DrugLibrarySchema = z.strictObject({
  name: z.string().min(1).max(200),
  version: z.number().int().min(1),
  /** Who confirmed the library for clinical use; null until a pharmacist has. */
  confirmedBy: z.string().max(200).nullable().default(null),
  entries: z.array(DrugEntrySchema).min(1).max(200),
});
export type DrugLibrary = z.infer<typeof DrugLibrarySchema>;
