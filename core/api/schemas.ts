import * as z from 'zod';
import { roles } from '../permissions';
import { DrugSchema, PumpStatusSchema } from '../pump';
import { isValidTimeZone } from '../clock';
import { SystemicOpioidInputSchema } from '../opioids';
import { IndicationSchema, SpasticityOriginSchema } from '../library/schema';
import { StrictQuantity } from '../units';
import { DECIMAL_INPUT } from '../quantity';

/**
 * Wire schemas of the clinician workflows: what the renderer sends and receives. Every decimal
 * quantity travels as a decimal string; the services do the arithmetic.
 */

const Decimal = z.string().regex(DECIMAL_INPUT, 'a decimal number such as 12.5');
const IsoDate = z.iso.date();
const Text = (max: number) => z.string().trim().max(max);

export const UserSchema = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
});
export type User = z.infer<typeof UserSchema>;

export const CredentialsSchema = z.strictObject({ username: Text(40).min(1), password: z.string().min(1).max(200) });

export const AuthStatusSchema = z.strictObject({
  setupRequired: z.boolean(),
  user: UserSchema.nullable(),
  /** Locked by the idle timer or by hand: only `lockedUser` may unlock, anyone may sign in anew. */
  locked: z.boolean(),
  lockedUser: UserSchema.nullable(),
  /** The signed-in user's password was set by an administrator: they must choose their own before anything else. */
  passwordChangeRequired: z.boolean(),
  idleLockMinutes: z.number().int(),
  /** The site's default interface language, for a workstation that has not chosen one. */
  language: z.enum(['zh-CN', 'en']),
});
export type AuthStatus = z.infer<typeof AuthStatusSchema>;

export const PatientSchema = z.strictObject({
  id: z.number().int(),
  identifier: z.string(),
  name: z.string(),
  birthDate: z.string().nullable(),
  indication: IndicationSchema.nullable(),
  indicationKind: z.string().nullable(),
  spasticityOrigin: SpasticityOriginSchema.nullable(),
});
export type Patient = z.infer<typeof PatientSchema>;

export const PatientInputSchema = z.strictObject({
  identifier: Text(40).min(1),
  name: Text(100).min(1),
  birthDate: IsoDate.optional(),
  indication: IndicationSchema.optional(),
  indicationKind: Text(60).optional(),
  spasticityOrigin: SpasticityOriginSchema.optional(),
  notes: Text(2000).optional(),
});
export type PatientInput = z.infer<typeof PatientInputSchema>;

export const PumpRecordSchema = z.strictObject({
  id: z.number().int(),
  serial: z.string(),
  modelId: z.string(),
  implantDate: z.string(),
  catheterModelId: z.string().nullable(),
  catheterLengthCm: z.string().nullable(),
  replaceByDate: z.string().nullable(),
  refills: z.array(
    z.strictObject({
      performedAt: z.string(),
      discrepancyMl: z.string().nullable(),
      discrepancyFlag: z.boolean(),
      withdrawnMl: z.string(),
      instilledMl: z.string(),
    }),
  ),
});

/** A physician's order for the next refill or change: drug(s), concentration(s), dose, mode, fill volume. */
export const PrescriptionInputSchema = z.strictObject({
  patientId: z.number().int().positive(),
  pumpId: z.number().int().positive().optional(),
  /** The order stands for any of the patient's pumps: an explicit choice, required when no pump is named. */
  anyPump: z.literal(true).optional(),
  components: z
    .array(
      z.strictObject({
        drug: DrugSchema,
        concentration: StrictQuantity.concentration,
        dailyDose: StrictQuantity.dailyDose,
      }),
    )
    .min(1)
    .max(4),
  mode: z.enum(['continuous', 'flex']),
  /** A flex order may name its day: each step's start and its dose as a daily rate (the refill-only visit compares them). */
  steps: z
    .array(
      z.strictObject({
        start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM'),
        dailyDose: Decimal,
      }),
    )
    .min(1)
    .max(13)
    .optional(),
  fillVolumeMl: Decimal.optional(),
  notes: Text(4000).optional(),
});
export type PrescriptionInput = z.infer<typeof PrescriptionInputSchema>;

export const PrescriptionSchema = PrescriptionInputSchema.omit({
  pumpId: true,
  anyPump: true,
  fillVolumeMl: true,
  notes: true,
}).extend({
  id: z.number().int(),
  pumpId: z.number().int().nullable(),
  orderedAt: z.string(),
  orderedBy: z.string(),
  fillVolumeMl: z.string().nullable(),
  notes: z.string().nullable(),
  status: z.enum(['open', 'filled', 'cancelled']),
});
export type Prescription = z.infer<typeof PrescriptionSchema>;

export const PatientDetailSchema = z.strictObject({
  patient: PatientSchema,
  pumps: z.array(PumpRecordSchema),
  pain: z.array(z.strictObject({ assessedAt: z.string(), vas: z.number().int() })),
  /** Confirmed program changes of the patient's pumps, oldest first: the dose history. */
  doses: z.array(z.strictObject({ at: z.string(), pumpSerial: z.string(), dailyDose: z.string(), unit: z.string() })),
  screening: z.array(
    z.strictObject({
      trialDate: z.string(),
      decision: z.string(),
      sideEffects: z.string().nullable(),
      notes: z.string().nullable(),
    }),
  ),
  /** The physician's orders, newest first. */
  prescriptions: z.array(PrescriptionSchema),
  /** Systemic opioids taken before and after the implant, each with its oral morphine equivalent (display only). */
  systemicOpioids: z.array(
    z.strictObject({
      id: z.number().int(),
      kind: z.string(),
      dose: z.string(),
      unit: z.string(),
      startDate: z.string(),
      stopDate: z.string().nullable(),
      omeMgPerDay: z.string(),
      recordedBy: z.string(),
    }),
  ),
  /** Today's total oral morphine equivalent (mg/day) and the opioid tolerance the safety rules apply. */
  omeTodayMgPerDay: z.string(),
  /** The oral morphine equivalent total over time (a step series: each date's total holds until the next). */
  omeHistory: z.array(z.strictObject({ date: IsoDate, omeMgPerDay: z.string() })),
  opioidTolerance: z.enum(['naive', 'tolerant', 'unknown']),
});
export type PatientDetail = z.infer<typeof PatientDetailSchema>;

/** A systemic opioid the patient takes (oral, parenteral, transdermal): for tolerance and display only. */
export const SystemicOpioidRecordSchema = z.strictObject({
  patientId: z.number().int().positive(),
  record: SystemicOpioidInputSchema,
});

/** A screening trial as entered at the visit: one test dose with the pain before and after. */
export const ScreeningInputSchema = z.strictObject({
  patientId: z.number().int().positive(),
  trialDate: IsoDate,
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  drug: DrugSchema,
  dose: Decimal,
  unit: z.enum(['mg', 'mcg']),
  vasBefore: z.number().int().min(0).max(10),
  vasAfter: z.number().int().min(0).max(10),
  response: Text(500).optional(),
  sideEffects: Text(2000).optional(),
  decision: z.enum(['implant', 'no-implant', 'repeat']),
  notes: Text(4000).optional(),
  /** The reason a soft limit of the drug library (the single-bolus limit of the test dose) is accepted. */
  acknowledgement: Text(500).optional(),
});
export type ScreeningInput = z.infer<typeof ScreeningInputSchema>;

export const PumpRegistrationSchema = z.strictObject({
  patientId: z.number().int().positive(),
  serial: Text(32).min(1),
  modelId: Text(32).min(1),
  implantDate: IsoDate,
  catheterModelId: Text(32).optional(),
  catheterLengthCm: Decimal.optional(),
});

/** The refill forecast (days and dates on the clinic's calendar); `replacePump` when the battery is spent. */
export const ForecastSchema = z.strictObject({
  daysToAlarm: z.string().nullable(),
  alarmDate: z.string().nullable(),
  nextRefillDate: z.string(),
  limitingFactor: z.enum(['alarm', 'stability', 'expiry', 'battery']),
  replacePump: z.boolean(),
});
export type ForecastView = z.infer<typeof ForecastSchema>;

const FindingSchema = z.strictObject({
  code: z.string(),
  level: z.enum(['soft', 'hard']),
  message: z.string(),
  params: z.record(z.string(), z.string()),
});
export const DoseCheckSchema = z.strictObject({
  verdict: z.enum(['ok', 'soft', 'hard']),
  findings: z.array(FindingSchema),
  library: z.strictObject({ name: z.string(), version: z.number().int(), hash: z.string(), confirmed: z.boolean() }),
});

export const PatientBolusInputSchema = z.strictObject({
  volumeMl: Decimal,
  durationMinutes: z.number().int().min(1).max(1440),
  lockoutMinutes: z.number().int().min(0).max(1440),
  maxPerDay: z.number().int().min(0).max(24),
});

/** A dose or mode change as the physician enters it: the daily dose, not the rate. */
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM');

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

const QuantitySchema = z.strictObject({ value: z.string(), unit: z.string() });
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
  mismatches: z.array(z.string()),
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
  mismatches: z.array(z.string()),
  recordingProblem: z.string().optional(),
});

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

export const AuditFilterSchema = z.strictObject({
  patientId: Text(40).optional(),
  /** The patient's name (any part of it) or ID. */
  patient: Text(100).optional(),
  pumpSerial: Text(32).optional(),
  actor: Text(40).optional(),
  action: Text(60).optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

export const AuditRowSchema = z.strictObject({
  seq: z.number().int(),
  atUtc: z.string(),
  actor: z.string(),
  role: z.string().nullable(),
  witness: z.string().nullable(),
  patientId: z.string().nullable(),
  pumpSerial: z.string().nullable(),
  action: z.string(),
  outcome: z.string(),
  reason: z.string().nullable(),
  /** The names of the people in the record (null where the trail names no one the records know). */
  patientName: z.string().nullable(),
  actorName: z.string().nullable(),
  witnessName: z.string().nullable(),
  /** What changed, old → new, each value with its unit where the record carries one. */
  changes: z.array(z.strictObject({ field: z.string(), old: z.string().nullable(), new: z.string().nullable() })),
});
export type AuditRowView = z.infer<typeof AuditRowSchema>;

/** One record in full for its details: the stored old and new values as written, the pump's clock, the library version. */
export const AuditRecordSchema = AuditRowSchema.extend({
  pumpTime: z.string().nullable(),
  libraryVersion: z.string().nullable(),
  oldJson: z.string().nullable(),
  newJson: z.string().nullable(),
});
export type AuditRecordView = z.infer<typeof AuditRecordSchema>;

/** The raw frames of the programming session an audit record belongs to, for support and replay. */
export const SessionFramesSchema = z.strictObject({
  sessionId: z.string(),
  pumpSerial: z.string(),
  outcome: z.enum(['pending', 'confirmed', 'rejected', 'unconfirmed']),
  frames: z.array(
    z.strictObject({
      at: z.string(),
      direction: z.enum(['out', 'in']),
      /** The frame's bytes as they crossed the USB link, in lower-case hex. */
      hex: z.string(),
      /** The message the frame carries, as the wand codec reads it (null when it cannot). */
      message: z.string().nullable(),
    }),
  ),
});
export type SessionFrames = z.infer<typeof SessionFramesSchema>;

export const AuditPageSchema = z.strictObject({ total: z.number().int(), rows: z.array(AuditRowSchema) });
export type AuditPage = z.infer<typeof AuditPageSchema>;

export const AuditVerifySchema = z.strictObject({
  ok: z.boolean(),
  /** `unverifiable`: the chain holds but nothing could be checked against its key; never shown as intact. */
  status: z.enum(['intact', 'unverifiable', 'failed']),
  unverifiableReason: z.string().optional(),
  records: z.number().int(),
  firstFailure: z.strictObject({ seq: z.number().int(), problem: z.string(), message: z.string() }).optional(),
  checkpoints: z.strictObject({ total: z.number().int(), verified: z.number().int(), keyAvailable: z.boolean() }),
  unprotectedTail: z.number().int(),
});

export const NewUserSchema = z.strictObject({
  username: Text(40).min(1),
  displayName: Text(100).min(1),
  password: z.string().min(1).max(200),
  role: z.enum(roles),
});

export const SettingsSchema = z.strictObject({
  idleLockMinutes: z.number().int().min(1).max(60),
  maxFailedSignIns: z.number().int().min(3).max(20),
  lockoutMinutes: z.number().int().min(1).max(1440),
  language: z.enum(['zh-CN', 'en']),
  lowReservoirAlarmMl: Decimal,
  /** IANA time zone name, e.g. Asia/Shanghai. */
  timeZone: z.string().min(1).max(64).refine(isValidTimeZone, { message: 'not a time zone name (e.g. Asia/Shanghai)' }),
  clinicName: Text(100),
  clinicPhone: Text(40),
  refillMarginDays: z.number().int().min(0).max(30),
});
export type Settings = z.infer<typeof SettingsSchema>;
