import * as z from 'zod';
import { DrugSchema } from '../pump';
import { StrictQuantity } from '../units';
import { Decimal, HHMM, NamedMessageSchema, QuantitySchema, Text } from './primitives';
import { CredentialsSchema, DoseCheckSchema, PatientBolusInputSchema, PatientSchema } from './schemas';

// Wire schemas of programming: a dose or mode change, its Finish screen, the write and its outcome; the clinician bolus.

/** A dose or mode change as the physician enters it: the daily dose, not the rate. */
export const ProgramChangeSchema = z.strictObject({
  mode: z.enum(['stopped', 'continuous', 'flex']),
  /** In the unit of the pump's drug per day (mg/day or mcg/day). */
  dailyDose: Decimal,
  /** Flex: each step from its start until the next (the last until midnight), its dose as a daily rate. */
  steps: z
    .array(z.strictObject({ start: HHMM, dailyDose: Decimal }))
    .min(1)
    .max(13)
    .optional(),
  patientBolus: PatientBolusInputSchema.optional(),
});

/** One step of a program's day for the pump's drug, from the therapy model (core/program.ts programSchedule). */
const ScheduleStepSchema = z.strictObject({
  start: z.string(),
  /** "24:00" for the last step. */
  end: z.string(),
  rate: QuantitySchema,
  /** The step's rate as a dose per day, per hour, and what the step delivers from start to end. */
  dailyDose: QuantitySchema,
  hourlyDose: QuantitySchema,
  stepDose: QuantitySchema,
});

export const ProgramPreviewSchema = z.strictObject({
  pumpSerial: z.string(),
  patient: PatientSchema.nullable(),
  /** The settings exactly as they will be sent: the rate rounded to the pump's resolution. */
  settings: z.strictObject({
    drug: DrugSchema,
    concentration: StrictQuantity.concentration,
    mode: z.enum(['stopped', 'continuous', 'flex']),
    rate: StrictQuantity.rate,
    steps: z
      .array(z.strictObject({ start: HHMM, rate: StrictQuantity.rate }))
      .max(13)
      .optional(),
    patientBolus: PatientBolusInputSchema.optional(),
  }),
  /** The reviewed old program: the write is refused if the pump no longer runs it. */
  reviewed: z.strictObject({
    /** The pump reviewed (absent in requests from before it was sent: then not compared). */
    serial: z.string().optional(),
    mode: z.string(),
    rate: z.string(),
    drug: z.string(),
    concentration: z.string(),
    lastTransactionId: z.string().nullable(),
  }),
  rows: z.array(
    z.strictObject({
      field: z.string(),
      old: z.string().optional(),
      new: z.string().optional(),
      changed: z.boolean(),
      percentChange: z.string().optional(),
    }),
  ),
  oldDailyDose: QuantitySchema,
  newDailyDose: QuantitySchema,
  totals: z.strictObject({
    old24h: QuantitySchema,
    new24h: QuantitySchema,
    oldPeakHourly: QuantitySchema,
    newPeakHourly: QuantitySchema,
  }),
  /** The program's day as steps, old beside new: what the witness signs on for a flex program. */
  schedule: z.strictObject({ old: z.array(ScheduleStepSchema), new: z.array(ScheduleStepSchema) }),
  check: DoseCheckSchema,
  witnessRequired: z.boolean(),
  /** A bridge bolus still running on the pump: it goes on after this change, and the Finish screen says so. */
  bridgeRunning: StrictQuantity.volume.optional(),
});
export type ProgramPreview = z.infer<typeof ProgramPreviewSchema>;

export const ProgramApplySchema = z.strictObject({
  settings: ProgramPreviewSchema.shape.settings,
  reviewed: ProgramPreviewSchema.shape.reviewed,
  acknowledgement: Text(500).optional(),
  witness: CredentialsSchema.optional(),
});

export const ProgramOutcomeSchema = z.strictObject({
  outcome: z.enum(['confirmed', 'rejected', 'unconfirmed']),
  sessionId: z.string(),
  /** Where the read-back differs from what was sent, each a named message. */
  mismatches: z.array(NamedMessageSchema),
  /** The pump was written but the record of its outcome could not be kept yet: retried; the outcome above stands. */
  recordingProblem: z.string().optional(),
  /** For the printed session report: when, the pump's model, who programmed and who witnessed (by name). */
  report: z
    .strictObject({
      programmedAt: z.string(),
      pumpModel: z.string(),
      programmedBy: z.string(),
      witness: z.string().nullable(),
    })
    .optional(),
});

/** A clinician bolus as the physician asks for it: a single bolus by its dose, or a priming bolus of the registered catheter. */
export const BolusRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('single'),
    /** In the mass unit of the pump's drug (mg or mcg). */
    dose: Decimal,
    durationMinutes: z.number().int().min(1).max(1440),
  }),
  z.strictObject({
    kind: z.literal('priming'),
    durationMinutes: z.number().int().min(1).max(1440),
    /** The physician's explicit answer to "is the catheter already primed?". */
    catheterPrimed: z.boolean(),
  }),
]);

/** The review of a bolus, the program the pump runs beside what the bolus adds. */
export const BolusPreviewSchema = z.strictObject({
  pumpSerial: z.string(),
  patient: PatientSchema.nullable(),
  kind: z.enum(['single', 'priming']),
  volume: QuantitySchema,
  durationMinutes: z.number().int(),
  rate: QuantitySchema,
  doses: z.array(
    z.strictObject({
      drug: DrugSchema,
      dose: QuantitySchema,
      total24hBefore: QuantitySchema,
      total24hWith: QuantitySchema,
      /** The clinician single boluses of this drug within the library's window, before and with this one. */
      clinicianBoluses: z.strictObject({
        hours: z.number().int(),
        count: z.number().int(),
        before: QuantitySchema,
        with: QuantitySchema,
      }),
    }),
  ),
  /** The clinician boluses this pump confirmed within the last 24 h (or the library's longest window), oldest first. */
  earlier: z.array(
    z.strictObject({
      at: z.string(),
      kind: z.enum(['single', 'priming']),
      volume: QuantitySchema,
      durationMinutes: z.number().int(),
      doses: z.array(z.strictObject({ drug: DrugSchema, dose: QuantitySchema })),
    }),
  ),
  reservoir: z.strictObject({ before: QuantitySchema, after: QuantitySchema }),
  catheterPrimed: z.boolean().optional(),
  /** The program the pump runs (unchanged by the bolus). */
  running: ProgramPreviewSchema.shape.settings,
  reviewed: ProgramPreviewSchema.shape.reviewed,
  check: DoseCheckSchema,
  witnessRequired: z.boolean(),
});
export type BolusPreview = z.infer<typeof BolusPreviewSchema>;

export const BolusDeliverSchema = z.strictObject({
  request: BolusRequestSchema,
  reviewed: ProgramPreviewSchema.shape.reviewed,
  acknowledgement: Text(500).optional(),
  witness: CredentialsSchema.optional(),
});

export const BolusOutcomeSchema = z.strictObject({
  outcome: z.enum(['confirmed', 'rejected', 'unconfirmed']),
  sessionId: z.string(),
  /** What the pump did, as far as it is known. */
  pumpDid: z.enum(['started', 'not-started', 'unknown']),
  volume: QuantitySchema,
  durationMinutes: z.number().int(),
  mismatches: z.array(NamedMessageSchema),
  recordingProblem: z.string().optional(),
});
