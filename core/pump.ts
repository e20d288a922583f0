import * as z from 'zod';
import { ConcentrationSchema, DailyDoseSchema, RateSchema, VolumeSchema } from './quantity';
import type { ConcentrationQ, RateQ } from './units';

export const drugs = [
  'morphine',
  'hydromorphone',
  'ziconotide',
  'baclofen',
  'bupivacaine',
  'clonidine',
  'fentanyl',
  'sufentanil',
] as const;
export const DrugSchema = z.enum(drugs);
export type Drug = z.infer<typeof DrugSchema>;

const therapyModes = ['stopped', 'continuous', 'flex'] as const;
const TherapyModeSchema = z.enum(therapyModes);
export type TherapyMode = z.infer<typeof TherapyModeSchema>;

/** The pump's alarms; on the wire each is its position here (new alarms are appended only). */
export const alarmCodes = [
  'LOW_RESERVOIR',
  'EMPTY_RESERVOIR',
  'ERI',
  'EOS',
  'MOTOR_STALL',
  'MEMORY_ERROR',
  'CLOCK_LOST',
] as const;
const AlarmSchema = z.strictObject({
  code: z.enum(alarmCodes),
  /** Pump clock time the alarm became active (ISO 8601); null when the pump has no clock. */
  since: z.iso.datetime().nullable(),
});
export type Alarm = z.infer<typeof AlarmSchema>;

const IsoDate = z.iso.date();

/** What one interrogation reads from the pump. */
export const PumpStatusSchema = z.strictObject({
  model: z.string().min(1).max(64),
  serial: z.string().min(1).max(32),
  /**
   * The pump's own clock at the time of reading (ISO 8601, UTC); null when the pump has no clock
   * (never set, or lost: it reports time 0 and raises `CLOCK_LOST`, docs/wand-protocol.md).
   */
  pumpTime: z.iso.datetime().nullable(),
  /**
   * The UTC offset in minutes (−720…+840) the pump runs its flex schedule by: its local time is
   * `pumpTime` plus this. Set with the clock from the clinic's time zone; 0 on a pump never given one.
   */
  utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
  drug: DrugSchema,
  concentration: ConcentrationSchema,
  mode: TherapyModeSchema,
  rate: RateSchema,
  dailyDose: DailyDoseSchema,
  reservoirVolume: VolumeSchema,
  reservoirCapacity: VolumeSchema,
  lowReservoirAlarmVolume: VolumeSchema,
  replaceByDate: IsoDate,
  alarms: z.array(AlarmSchema).max(32),
  /** The last program write the pump applied (resolves an unconfirmed outcome); null before any. */
  lastTransactionId: z.string().max(64).nullable(),
  /** A flex program's steps as the pump holds them (read back after programming). */
  steps: z
    .array(z.strictObject({ start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/), rate: RateSchema }))
    .max(24)
    .optional(),
  /** The patient bolus settings the pump holds, when set. */
  patientBolus: z
    .strictObject({
      volumeMl: z.string(),
      durationMinutes: z.number().int(),
      lockoutMinutes: z.number().int(),
      maxPerDay: z.number().int(),
    })
    .optional(),
  /** A bridge bolus still running (the basal program waits until it ends): the volume left. */
  bridge: z.strictObject({ remaining: VolumeSchema }).optional(),
});
export type PumpStatus = z.infer<typeof PumpStatusSchema>;

/** Event codes of the pump's own log, in wire order (docs/wand-protocol.md). */
export const pumpEventCodes = [
  'PROGRAM_APPLIED',
  'RESERVOIR_SET',
  'CLOCK_SET',
  'ALARM_TEST',
  'BOLUS_STARTED',
  'PATIENT_BOLUS',
  'MOTOR_STALL',
] as const;
export const PumpEventSchema = z.strictObject({
  /** Pump clock time (ISO 8601); null for an event logged while the pump had no clock (time 0). */
  at: z.iso.datetime().nullable(),
  /** UNKNOWN: a code this version does not know (a newer pump); the detail text is still shown. */
  code: z.enum([...pumpEventCodes, 'UNKNOWN']),
  detail: z.string().max(200),
});
export type PumpEvent = z.infer<typeof PumpEventSchema>;

export const LinkKindSchema = z.enum(['simulator', 'usb']);
export type LinkKind = z.infer<typeof LinkKindSchema>;

/** Patient-activated bolus settings (the patient remote). */
export interface PatientBolusSettings {
  volumeMl: string;
  durationMinutes: number;
  lockoutMinutes: number;
  maxPerDay: number;
}

/**
 * What one program write sets on the pump. `rate` is the continuous rate; a flex program runs
 * `steps` (each from its start, by the pump's clock, until the next; the last until midnight).
 */
export interface PumpSettings {
  drug: Drug;
  concentration: ConcentrationQ;
  mode: 'stopped' | 'continuous' | 'flex';
  rate: RateQ;
  steps?: Array<{ start: string; rate: RateQ }> | undefined;
  patientBolus?: PatientBolusSettings | undefined;
}

/** A clinician-started bolus: single, priming (fills tubing and catheter) or bridge (concentration change). */
export interface BolusWrite {
  transactionId: string;
  /** The pump the bolus was reviewed for: the link sends nothing to another. */
  pumpSerial?: string | undefined;
  kind: 'single' | 'priming' | 'bridge';
  volumeMl: string;
  durationMinutes: number;
}

/** One atomic write: the pump applies it whole at commit, and at most once per transaction id. */
export interface ProgramWrite {
  sessionId: string;
  transactionId: string;
  /** The pump the write was reviewed for: the link sends nothing to another. */
  pumpSerial?: string | undefined;
  settings: PumpSettings;
  /** Set after a refill: the reservoir volume from now on. */
  reservoirVolumeMl?: string | undefined;
  /**
   * After a concentration change: the bridge bolus, started in the same commit. It pushes the old
   * solution out of the tubing and catheter at the old rate, instead of the basal program, which
   * starts when the bridge ends.
   */
  bridge?: { volumeMl: string; durationMinutes: number } | undefined;
}

/** What the UI shows about the wand: connected, searching for the pump, pump found (with link quality). */
export const WandStatusSchema = z.strictObject({
  state: z.enum(['disconnected', 'connected', 'searching', 'pump-found']),
  /** 0–100. */
  linkQuality: z.number().int().min(0).max(100).nullable(),
  pumpSerial: z.string().max(32).nullable(),
});
export type WandStatus = z.infer<typeof WandStatusSchema>;
