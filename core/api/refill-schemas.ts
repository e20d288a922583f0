import * as z from 'zod';
import { DrugSchema, PumpStatusSchema } from '../pump';
import { StrictQuantity } from '../units';
import { Decimal, IsoDate, QuantitySchema, Text } from './primitives';
import { CredentialsSchema, DoseCheckSchema, ForecastSchema, PatientSchema, PrescriptionSchema } from './schemas';

// Wire schemas of the refill: the syringe, the preview and its planned change, the visit check, the review list, the report.

export const SyringeSchema = z.strictObject({
  drug: DrugSchema,
  concentration: StrictQuantity.concentration,
  volumeMl: Decimal,
  lot: Text(40).min(1),
  expiry: IsoDate,
  preparedBy: Text(60).min(1),
  checkedBy: Text(60).min(1),
  barcode: Text(200).optional(),
});

/** What becomes of the patient bolus at a concentration or drug change: the same dose, or none. */
export const PatientBolusDecisionSchema = z.enum(['same-dose', 'remove']);
const PatientBolusStatusSchema = PumpStatusSchema.shape.patientBolus.unwrap();

/** The refill's figures before anything is sent; with the order, a new drug or concentration is planned with its bridge. */
export const RefillPreviewInputSchema = z.strictObject({
  withdrawnMl: Decimal,
  instilledMl: Decimal.optional(),
  prescriptionId: z.number().int().positive().optional(),
  reservoirEmptied: z.boolean().optional(),
  /** The syringe's expiry: its beyond-use date limits the next refill. */
  beyondUseDate: IsoDate.optional(),
  /** A concentration or drug change on a pump with patient boluses: the physician's decision. */
  patientBolus: PatientBolusDecisionSchema.optional(),
});

/** A concentration change planned at a refill: same daily dose, new rate, the forced bridge bolus. */
export const ConcentrationChangeSchema = z.strictObject({
  /** The drug the pump held, when the drug changes (then the reservoir is rinsed first). */
  previousDrug: DrugSchema.nullable(),
  newDrug: DrugSchema,
  newDailyDose: StrictQuantity.dailyDose,
  newConcentration: StrictQuantity.concentration,
  oldRate: StrictQuantity.rate,
  newRate: StrictQuantity.rate,
  deadVolume: StrictQuantity.volume,
  bridgeVolume: StrictQuantity.volume,
  bridgeMinutes: z.number().int(),
  /** The patient bolus the pump gives now, the same dose at the new concentration (none for a new drug), and the decision taken. */
  patientBolus: z
    .strictObject({
      old: PatientBolusStatusSchema,
      sameDose: PatientBolusStatusSchema.nullable(),
      decision: PatientBolusDecisionSchema.nullable(),
    })
    .nullable(),
});
export const RefillPreviewSchema = z.strictObject({
  pumpSerial: z.string(),
  patient: PatientSchema.nullable(),
  expectedResidualMl: z.string(),
  discrepancyMl: z.string(),
  discrepancyFlag: z.boolean(),
  thresholdMl: z.string(),
  capacityMl: z.string(),
  forecast: ForecastSchema.nullable(),
  concentrationChange: ConcentrationChangeSchema.extend({ check: DoseCheckSchema }).nullable(),
});

/** A flagged refill discrepancy, acknowledged by the nurse: what was checked and the patient's state. */
export const DiscrepancyAcknowledgementSchema = z.strictObject({
  checked: Text(500).min(3),
  patientState: Text(500).min(3),
});

/** The program before beside the program after, row by row (values canonical: equal text is the same therapy). */
export const ProgramComparisonSchema = z.strictObject({
  rows: z.array(
    z.strictObject({
      field: z.enum(['drug', 'concentration', 'mode', 'rate', 'dailyDose', 'step', 'patientBolus']),
      label: z.string().optional(),
      before: z.string(),
      after: z.string(),
      same: z.boolean(),
    }),
  ),
  identical: z.boolean(),
});

/** Whether an order can be carried out by the refill-only visit, decided when it is chosen. */
export const VisitCheckSchema = z.strictObject({
  eligible: z.boolean(),
  blockers: z.array(
    z.enum(['admixture', 'drugChange', 'concentrationChange', 'modeChange', 'doseChange', 'scheduleChange']),
  ),
  order: PrescriptionSchema,
  pumpSerial: z.string(),
  patient: PatientSchema.nullable(),
  /** The program as read now beside the program the visit re-sends. */
  program: ProgramComparisonSchema,
});

/** A pump on the physician's review list after a flagged refill discrepancy. */
export const PumpReviewSchema = z.strictObject({
  id: z.number().int(),
  pumpSerial: z.string(),
  patient: PatientSchema.nullable(),
  refillId: z.number().int(),
  flaggedAt: z.string(),
  nurse: z.string(),
  expectedMl: z.string(),
  withdrawnMl: z.string(),
  discrepancyMl: z.string(),
  checked: z.string(),
  patientState: z.string(),
});

export const RefillInputSchema = z.strictObject({
  /** The physician's order this refill carries out: the syringe is checked against it. */
  prescriptionId: z.number().int().positive(),
  syringe: SyringeSchema,
  /** A drug change: the reservoir was rinsed with the new drug and the rinse withdrawn. */
  rinse: z.strictObject({ volumeMl: Decimal }).optional(),
  withdrawnMl: Decimal,
  /** The nurse aspirated until nothing more came: the reservoir holds only what is instilled. */
  reservoirEmptied: z.boolean(),
  instilledMl: Decimal,
  waste: z.strictObject({ volumeMl: Decimal, witness: Text(60).min(1) }).optional(),
  witness: CredentialsSchema,
  acknowledgement: Text(500).optional(),
  /** Required when the discrepancy is flagged: recorded, and the pump goes on the physician's review list. */
  discrepancyAcknowledgement: DiscrepancyAcknowledgementSchema.optional(),
  /** The refill-only visit: refused unless the running program is re-sent unchanged. */
  refillOnly: z.boolean().optional(),
  /** A concentration or drug change on a pump with patient boluses: the physician's decision. */
  patientBolus: PatientBolusDecisionSchema.optional(),
});

export const RefillReportSchema = z.strictObject({
  refillId: z.number().int(),
  outcome: z.enum(['confirmed', 'rejected', 'unconfirmed']),
  discrepancyMl: z.string(),
  discrepancyFlag: z.boolean(),
  patient: PatientSchema.nullable(),
  pumpSerial: z.string(),
  drug: DrugSchema,
  concentration: StrictQuantity.concentration,
  dailyDose: QuantitySchema,
  rate: StrictQuantity.rate,
  newReservoirMl: z.string(),
  nurse: z.string(),
  witness: z.string(),
  performedAt: z.string(),
  /** For the printed report: the pump's model, the volumes, the syringe's lot and expiry. */
  pumpModel: z.string().optional(),
  withdrawnMl: z.string().optional(),
  instilledMl: z.string().optional(),
  syringe: z.strictObject({ lot: z.string(), expiry: z.string() }).optional(),
  concentrationChange: ConcentrationChangeSchema.nullable(),
  forecast: ForecastSchema,
  /** The program as read before the refill beside the program read back after it (null when the read-back did not answer). */
  program: ProgramComparisonSchema.nullable().optional(),
  /** The physician review a flagged discrepancy opened, or null. */
  reviewId: z.number().int().nullable().optional(),
  /** A refill-only visit: the running program was re-sent unchanged. */
  refillOnly: z.boolean().optional(),
  /** A flagged discrepancy: what the nurse checked and the patient's state, as acknowledged. */
  discrepancyAcknowledgement: z.strictObject({ checked: z.string(), patientState: z.string() }).optional(),
});
export type RefillReport = z.infer<typeof RefillReportSchema>;
export type RefillPreview = z.infer<typeof RefillPreviewSchema>;
