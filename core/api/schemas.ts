import * as z from 'zod';
import { roles } from '../permissions';
import { DrugSchema } from '../pump';
import { isValidTimeZone } from '../clock';
import { SystemicOpioidInputSchema } from '../opioids';
import { IndicationSchema, SpasticityOriginSchema } from '../library/schema';
import { StrictQuantity } from '../units';
import { Decimal, HHMM, IsoDate, Text } from './primitives';

/**
 * Wire schemas of the clinician workflows: what the renderer sends and receives. Every decimal
 * quantity travels as a decimal string; the services do the arithmetic.
 */

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
        start: HHMM,
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
  time: HHMM,
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

export const FindingSchema = z.strictObject({
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
