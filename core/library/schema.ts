import * as z from 'zod';
import { DrugSchema } from '../pump';
import { dec } from '../decimal';
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

const cmp = (a: string, b: string): number => dec(a).cmp(dec(b));
/** What the schema refuses in an edited library beyond field formats (the editor translates each). */
export const libraryRules = {
  softAboveHard: 'the soft maximum must not be above the hard maximum',
  softBelowHard: 'the soft minimum must not be below the hard minimum',
  firstFillLonger: 'a first fill is not stable longer than any fill',
  undilutedShorter: 'an undiluted product is not stable shorter than a dilution',
  duplicateDrug: 'each drug has one entry',
} as const;
/** A maximum: the soft threshold warns first, so it is not above the hard one. */
export const MaxBoundSchema = BoundSchema.refine(
  (b) => b.soft === undefined || b.hard === undefined || cmp(b.soft, b.hard) <= 0,
  { message: libraryRules.softAboveHard },
);
/** A minimum: the soft threshold warns first, so it is not below the hard one. */
export const MinBoundSchema = BoundSchema.refine(
  (b) => b.soft === undefined || b.hard === undefined || cmp(b.soft, b.hard) >= 0,
  { message: libraryRules.softBelowHard },
);

export const IndicationSchema = z.enum(['cancer', 'non-cancer']);
export type Indication = z.infer<typeof IndicationSchema>;

/** Opioid tolerance as the starting-dose and patient-bolus rules see it; unknown counts as naive. */
export const OpioidToleranceSchema = z.enum(['naive', 'tolerant', 'unknown']);
export type OpioidTolerance = z.infer<typeof OpioidToleranceSchema>;

/** Origin of spasticity: baclofen titrates more slowly for a cerebral origin. */
export const SpasticityOriginSchema = z.enum(['spinal', 'cerebral']);
export type SpasticityOrigin = z.infer<typeof SpasticityOriginSchema>;

export const DrugEntrySchema = z.strictObject({
  drug: DrugSchema,
  /** The mass unit every dose and concentration figure of this entry is written in. */
  unit: z.enum(['mg', 'mcg']),
  concentration: z
    .strictObject({
      max: MaxBoundSchema.optional(),
      /** The marketed concentrations; another one is a finding of `productsLevel`. */
      products: z.array(DecimalStringSchema).max(20).optional(),
      productsLevel: z.enum(['soft', 'hard']).default('soft'),
      productsSource: z.string().max(500).optional(),
    })
    .default({ productsLevel: 'soft' }),
  dailyDose: z.strictObject({ min: MinBoundSchema.optional(), max: MaxBoundSchema.optional() }).default({}),
  /** Minimum concentration where a wrong, too dilute solution is the hazard (underdose, withdrawal). */
  concentrationMin: MinBoundSchema.optional(),
  /**
   * Maximum first dose of a pump with no current therapy of this drug, for an opioid-naive patient
   * (an unknown tolerance counts as naive).
   */
  startDose: MaxBoundSchema.optional(),
  /** Maximum first dose for an opioid-tolerant patient; without it `startDose` applies to everyone. */
  startDoseTolerant: MaxBoundSchema.optional(),
  /** Maximum peak hourly dose of a flex schedule, in the entry's unit per hour. */
  peakHourlyDose: MaxBoundSchema.optional(),
  /**
   * Maximum ratio of a flex schedule's peak hourly dose to its day's average (daily dose / 24): a
   * bolus-sized step hidden in an unchanged daily total.
   */
  peakToAverage: MaxBoundSchema.optional(),
  /** Maximum increase per change in percent of the previous dose, by indication. */
  increasePercent: z
    .strictObject({
      cancer: MaxBoundSchema.optional(),
      nonCancer: MaxBoundSchema.optional(),
      unknown: MaxBoundSchema.optional(),
    })
    .optional(),
  /** Maximum increase per change in the entry's unit per day (e.g. ziconotide 2.4 mcg/day). */
  increaseAbsolute: MaxBoundSchema.optional(),
  /** Maximum decrease per change in percent: withdrawal of baclofen or clonidine is dangerous. */
  decreasePercent: MaxBoundSchema.optional(),
  /** Limits over a rolling window of the pump's own programming history. */
  window: z
    .strictObject({
      hours: z
        .number()
        .int()
        .min(1)
        .max(24 * 90),
      /** Increase over the lowest dose programmed within the window, in percent. */
      maxIncreasePercent: MaxBoundSchema.optional(),
      /** The same for spasticity of cerebral origin (baclofen), when it differs. */
      maxIncreasePercentCerebral: MaxBoundSchema.optional(),
      /** Increase over the lowest dose programmed within the window, in the entry's unit per day. */
      maxIncreaseAbsolute: MaxBoundSchema.optional(),
      /** Number of increases within the window, this one included. */
      maxIncreases: MaxBoundSchema.optional(),
      /** Fewest hours between two increases. */
      minIntervalHours: MinBoundSchema.optional(),
    })
    .optional(),
  /** Patient-activated boluses (the patient remote). */
  patientBolus: z
    .strictObject({
      /** Dose of one bolus, in the entry's unit. */
      maxDose: MaxBoundSchema.optional(),
      maxPerDay: MaxBoundSchema.optional(),
      /** A patient bolus only for opioid-tolerant patients (opioids: never for the naive). */
      tolerantOnly: z.boolean().default(false),
      /** No patient bolus at all for this drug (a hard finding). */
      notAllowed: z.boolean().default(false),
      source: z.string().max(500).optional(),
    })
    .optional(),
  /**
   * A bolus the physician gives through the wand (not the patient remote): the most one bolus may
   * deliver, or none at all for this drug. A priming bolus only fills the tubing and catheter and
   * is not checked against it (docs/workflows.md).
   */
  clinicianBolus: z
    .strictObject({
      /** Dose of one clinician bolus, in the entry's unit. */
      maxDose: MaxBoundSchema.optional(),
      /** No clinician bolus at all for this drug (a hard finding). */
      notAllowed: z.boolean().default(false),
      /**
       * Repeated clinician boluses of this drug within a rolling window of the pump's confirmed
       * boluses: their total (this one included) and the fewest minutes from the end of one to the
       * start of the next. Without it, no limit on repeated boluses (a soft finding asks to check).
       */
      window: z
        .strictObject({
          hours: z
            .number()
            .int()
            .min(1)
            .max(24 * 7),
          /** Total dose of the clinician single boluses within the window, this one included, in the entry's unit. */
          maxTotal: MaxBoundSchema.optional(),
          /** Fewest minutes from the end of the previous clinician bolus to the start of this one. */
          minIntervalMinutes: MinBoundSchema.optional(),
          source: z.string().max(500).optional(),
        })
        .optional(),
      source: z.string().max(500).optional(),
    })
    .optional(),
  stabilityDays: z
    .strictObject({
      days: z.number().int().min(1).max(3650),
      source: z.string().max(500),
      /** The first fill of a new pump must be replaced sooner (ziconotide binds to new pump surfaces). */
      firstFillDays: z.number().int().min(1).max(3650).optional(),
      /** Longer stability for the marketed concentrations filled undiluted. */
      undilutedDays: z.number().int().min(1).max(3650).optional(),
    })
    .refine((d) => d.firstFillDays === undefined || d.firstFillDays <= d.days, {
      message: libraryRules.firstFillLonger,
      path: ['firstFillDays'],
    })
    .refine((d) => d.undilutedDays === undefined || d.undilutedDays >= d.days, {
      message: libraryRules.undilutedShorter,
      path: ['undilutedDays'],
    })
    .optional(),
  /** Stopping or cutting this drug can cause a withdrawal syndrome (opioids, baclofen, clonidine). */
  withdrawalRisk: z.boolean().default(false),
  /**
   * Opioids: one unit (the entry's) of this drug given intrathecally is taken as `factor` mg of
   * intrathecal morphine, so a rotation from one opioid to another is measured as a change of one
   * dose. Without it a rotation to or from this drug has no agreed equivalence.
   */
  morphineEquivalent: z.strictObject({ factor: DecimalStringSchema, source: z.string().min(1).max(500) }).optional(),
});
export type DrugEntry = z.infer<typeof DrugEntrySchema>;

export const DrugLibrarySchema = z.strictObject({
  name: z.string().min(1).max(200),
  version: z.number().int().min(1),
  /** Who confirmed the library for clinical use; null until a pharmacist has. */
  confirmedBy: z.string().max(200).nullable().default(null),
  entries: z
    .array(DrugEntrySchema)
    .min(1)
    .max(200)
    .refine((entries) => new Set(entries.map((e) => e.drug)).size === entries.length, {
      message: libraryRules.duplicateDrug,
    }),
});
export type DrugLibrary = z.infer<typeof DrugLibrarySchema>;
