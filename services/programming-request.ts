import { dec } from '../core/decimal';
import type { DrugLibrary } from '../core/library/schema';
import type { DoseCheck } from '../core/library/facts';
import type { NamedMessage } from '../core/messages';
import type { PumpModel } from '../core/models';
import type { PumpSettings, PumpStatus } from '../core/pump';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import type { SessionOutcome } from '../db/queries/sessions';
import type { PumpLink } from '../drivers/link';
import type { FrameLog } from '../drivers/frame-log';
import type { SignedInUser } from './auth/accounts';
import { workstationTimeZone } from './auth/settings';
import type { ReviewContext } from './program-review';
import { reviewContext } from './safety-context';

/** What every write to the pump needs: the store, the audit trail, the link, the library and the clock. */
export interface ProgrammingDeps {
  db: Db;
  audit: AuditLog;
  link: PumpLink;
  library: DrugLibrary;
  model?: PumpModel;
  now: () => Date;
  /** Where the link records its frames; stored with each session for support and replay. */
  frames?: FrameLog;
  /** The clinic's time zone (calendar dates, tolerance); the workstation's when not given. */
  timeZone?: string;
  /** Days before the forecast alarm a refill is planned (site setting). */
  marginDays?: number;
}

/** The safety check's context for a write to this pump, in the clinic's time zone (the workstation's when not given). */
export const writeReviewContext = (deps: ProgrammingDeps, model: PumpModel, serial: string): ReviewContext =>
  reviewContext(
    { db: deps.db, now: deps.now, timeZone: deps.timeZone ?? workstationTimeZone(), link: deps.link },
    deps.library,
    model,
    serial,
  );

export interface ProgramRequest {
  actor: SignedInUser;
  witness?: SignedInUser | undefined;
  patientId?: string | undefined;
  settings: PumpSettings;
  /** The reason given when acknowledging soft limits. */
  acknowledgement?: string | undefined;
  /** After a refill: the new reservoir volume, applied in the same write. */
  reservoirVolumeMl?: string | undefined;
  action?: 'pump.program' | 'pump.reservoir.update';
  /** The old program shown on the Finish screen; the write is refused if the pump runs another. */
  reviewed?: ReviewedProgram | undefined;
  /** A concentration change: the forced bridge bolus, committed with the new program. */
  bridge?: { volumeMl: string; durationMinutes: number } | undefined;
  /** A second clinician must sign whatever the direction of the change (concentration change, refill). */
  requireWitness?: boolean | undefined;
}

/** What the clinician saw as the old program on the Finish screen. */
export interface ReviewedProgram {
  /** The pump reviewed: another pump within the wand's reach is never written with its review. */
  serial?: string | undefined;
  mode: string;
  rate: string;
  drug: string;
  concentration: string;
  lastTransactionId: string | null;
}

export const reviewedOf = (status: PumpStatus): ReviewedProgram => ({
  serial: status.serial,
  mode: status.mode,
  rate: status.rate.value,
  drug: status.drug,
  concentration: `${status.concentration.value} ${status.concentration.unit}`,
  lastTransactionId: status.lastTransactionId,
});

/** The pump still runs the program the clinician reviewed (the same pump, mode, rate, drug, concentration and last transaction). */
export const sameAsReviewed = (status: PumpStatus, reviewed: ReviewedProgram): boolean => {
  const now = reviewedOf(status);
  return (
    (reviewed.serial === undefined || now.serial === reviewed.serial) &&
    now.mode === reviewed.mode &&
    dec(now.rate).eq(reviewed.rate) &&
    now.drug === reviewed.drug &&
    now.concentration === reviewed.concentration &&
    now.lastTransactionId === reviewed.lastTransactionId
  );
};

export interface ProgramResult {
  outcome: Exclude<SessionOutcome, 'pending'>;
  sessionId: string;
  check: DoseCheck;
  /** Field-by-field read-back differences (empty when confirmed). */
  mismatches: NamedMessage[];
  status?: PumpStatus;
  /**
   * Set when the pump was written but the bookkeeping afterwards failed (the outcome record, a
   * signed checkpoint, the head file): `outcome` still says what the pump did; the failure is
   * recorded as soon as storage allows and retried, and the session stays open until its outcome
   * is on disk.
   */
  recordingProblem?: string;
}
