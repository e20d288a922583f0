import * as z from 'zod';
import { IsoDate, Text } from './primitives';

// Wire schemas of the audit trail: filter, rows, a record in full, a session's frames, verification.

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
