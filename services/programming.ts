import { randomUUID } from 'node:crypto';
import { dec } from '../core/decimal';
import type { DrugLibrary } from '../core/library/schema';
import type { DoseCheck } from '../core/library/validate';
import { reviewProgram } from './program-review';
import { compareReadBack } from './read-back';
import { defaultPumpModel, type PumpModel } from '../core/models';
import type { ProgramWrite, PumpSettings, PumpStatus } from '../core/pump';
import { appError, err, ok, type Result } from '../core/result';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import type { AuditEntry } from '../db/audit/record';
import { insertSession, openSessions, setSessionOutcome, type SessionOutcome } from '../db/queries/sessions';
import type { PumpLink } from '../drivers/link';
import type { FrameLog } from '../drivers/frame-log';
import { insertFrame } from '../db/queries/clinical';
import { authorize, type SignedInUser } from './auth/accounts';
import { workstationTimeZone } from './auth/settings';
import { reviewContext } from './safety-context';

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
  mode: string;
  rate: string;
  drug: string;
  concentration: string;
  lastTransactionId: string | null;
}

export const reviewedOf = (status: PumpStatus): ReviewedProgram => ({
  mode: status.mode,
  rate: status.rate.value,
  drug: status.drug,
  concentration: `${status.concentration.value} ${status.concentration.unit}`,
  lastTransactionId: status.lastTransactionId,
});

const sameAsReviewed = (status: PumpStatus, reviewed: ReviewedProgram): boolean => {
  const now = reviewedOf(status);
  return now.mode === reviewed.mode && dec(now.rate).eq(reviewed.rate) && now.drug === reviewed.drug && now.concentration === reviewed.concentration && now.lastTransactionId === reviewed.lastTransactionId;
};

export interface ProgramResult {
  outcome: Exclude<SessionOutcome, 'pending'>;
  sessionId: string;
  check: DoseCheck;
  /** Field-by-field read-back differences (empty when confirmed). */
  mismatches: string[];
  status?: PumpStatus;
}

export { compareReadBack } from './read-back';

/**
 * Programs the pump the safe way: permission and library check → the intent committed to the
 * audit trail → one atomic write with a session and transaction id → read back and compare field
 * by field → the outcome recorded. An outcome that cannot be confirmed is UNCONFIRMED and blocks
 * further programming of that pump until `resolveUnconfirmed` settles it.
 */
export async function programPump(deps: ProgrammingDeps, request: ProgramRequest): Promise<Result<ProgramResult>> {
  const action = request.action ?? 'pump.program';
  const allowed = authorize(request.actor, action === 'pump.program' ? 'pump.program' : 'pump.reservoir.update');
  if (!allowed.ok) return allowed;
  const model = deps.model ?? defaultPumpModel();

  deps.frames?.take(); // frames from before this session are not part of it
  const current = await deps.link.interrogate();
  if (!current.ok) return current;
  const old = current.value;
  const blocked = openSessions(deps.db, old.serial);
  if (blocked.length > 0) {
    return err(appError('PROGRAMMING_BLOCKED', `session ${blocked[0]?.sessionUuid ?? ''} on pump ${old.serial} is ${blocked[0]?.outcome ?? 'open'}: interrogate to resolve it first`));
  }
  const s = request.settings;
  if (request.reviewed !== undefined && !sameAsReviewed(old, request.reviewed)) {
    return err(appError('CONFLICT', `pump ${old.serial} no longer runs the program that was reviewed: review the change again; nothing was sent`));
  }
  // Everything that is sent is validated: the infusion and the patient bolus settings.
  const context = reviewContext({ db: deps.db, now: deps.now, timeZone: deps.timeZone ?? workstationTimeZone() }, deps.library, model, old.serial);
  const review = reviewProgram(deps.library, model, old, s, context, { bridged: request.bridge !== undefined });
  if (!review.ok) return review;
  const check = { value: review.value.check };
  const newDose = review.value.newDailyDose;
  const increase = review.value.increase;

  const atUtc = deps.now().toISOString();
  const base = { atUtc, pumpTime: old.pumpTime, actor: request.actor.username, role: request.actor.role, witness: request.witness?.username ?? null, patientId: request.patientId ?? null, pumpSerial: old.serial, action, libraryVersion: `${check.value.library.version}:${check.value.library.hash}` };
  const oldValues = { drug: old.drug, concentration: old.concentration, mode: old.mode, rate: old.rate, dailyDose: old.dailyDose, reservoirVolume: old.reservoirVolume };
  const newValues = { ...s, dailyDose: newDose, ...(request.reservoirVolumeMl === undefined ? {} : { reservoirVolume: { value: request.reservoirVolumeMl, unit: 'mL' } }), ...(request.bridge === undefined ? {} : { bridge: request.bridge }) };
  const refuse = (code: 'HARD_LIMIT' | 'ACKNOWLEDGEMENT_REQUIRED' | 'WITNESS_REQUIRED', message: string) => {
    deps.audit.append({ ...base, old: oldValues, new: newValues, acknowledgements: check.value.findings, reason: message, outcome: 'rejected' });
    return err(appError(code, message));
  };
  if (check.value.verdict === 'hard') return refuse('HARD_LIMIT', check.value.findings.filter((f) => f.level === 'hard').map((f) => f.message).join('; '));
  if (check.value.verdict === 'soft' && (request.acknowledgement ?? '').trim().length < 3) return refuse('ACKNOWLEDGEMENT_REQUIRED', 'soft limits need an acknowledgement with a reason');
  if ((increase || request.requireWitness === true) && request.witness === undefined) return refuse('WITNESS_REQUIRED', increase ? 'a dose increase needs a witness' : 'this change needs a witness');

  const sessionId = randomUUID();
  const write: ProgramWrite = { sessionId, transactionId: randomUUID(), settings: s, reservoirVolumeMl: request.reservoirVolumeMl, bridge: request.bridge };
  let sessionRow: number;
  try {
    sessionRow = deps.audit.commit(() => {
      const intent = deps.audit.append({ ...base, old: oldValues, new: { ...newValues, sessionId, transactionId: write.transactionId }, reason: request.acknowledgement ?? null, acknowledgements: check.value.verdict === 'soft' ? check.value.findings : null, outcome: 'pending' });
      return insertSession(deps.db, { sessionUuid: sessionId, pumpSerial: old.serial, startedAt: atUtc, actor: request.actor.username, witness: request.witness?.username ?? null, intentJson: JSON.stringify(write), intentAuditSeq: intent.seq });
    });
  } catch (e) {
    // No record, no write: nothing reaches the pump unless its intent is on disk first.
    return err(appError('STORAGE_FAILED', `The change could not be recorded, so it was not sent to the pump: ${(e as Error).message}`));
  }

  const sent = await deps.link.program(write);
  const readBack = await deps.link.interrogate();
  let outcome: ProgramResult['outcome'];
  let mismatches: string[];
  if (!readBack.ok) {
    outcome = 'unconfirmed';
    mismatches = [`read-back failed: ${readBack.error.message}`];
  } else if (readBack.value.lastTransactionId !== write.transactionId) {
    // The pump did not apply this write: its old program still runs.
    outcome = sent.ok ? 'unconfirmed' : 'rejected';
    mismatches = compareReadBack(write, readBack.value);
  } else {
    mismatches = compareReadBack(write, readBack.value);
    outcome = mismatches.length === 0 ? 'confirmed' : 'unconfirmed';
  }
  recordOutcome(deps, sessionRow, { ...base, atUtc: deps.now().toISOString() }, outcome, { sessionId, mismatches, ack: sent.ok ? 'received' : sent.error.message });
  return ok({ outcome, sessionId, check: check.value, mismatches, ...(readBack.ok ? { status: readBack.value } : {}) });
}

type OutcomeDeps = Pick<ProgrammingDeps, 'db' | 'audit' | 'frames'>;

function recordOutcome(deps: OutcomeDeps, sessionRowId: number, base: Omit<AuditEntry, 'outcome'>, outcome: Exclude<SessionOutcome, 'pending'>, detail: unknown): void {
  deps.audit.commit(() => {
    for (const f of deps.frames?.take() ?? []) insertFrame(deps.db, { sessionId: sessionRowId, ...f });
    const rec = deps.audit.append({ ...base, action: `${base.action}.outcome`, new: detail, outcome });
    setSessionOutcome(deps.db, sessionRowId, outcome, base.atUtc, rec.seq);
  });
}

/**
 * Settles every pending or UNCONFIRMED session of the pump by re-interrogating it: the pump
 * reports the last transaction it applied, so each session is either confirmed or rejected.
 */
export async function resolveUnconfirmed(deps: ProgrammingDeps, actor: SignedInUser): Promise<Result<Array<{ sessionId: string; outcome: 'confirmed' | 'rejected' }>>> {
  const allowed = authorize(actor, 'session.resolve');
  if (!allowed.ok) return allowed;
  const status = await deps.link.interrogate();
  if (!status.ok) return status;
  return ok(settleOpenSessions(deps, status.value, { username: actor.username, role: actor.role }));
}

/**
 * Settles the pending or UNCONFIRMED sessions of the pump that was just read: its last applied
 * transaction says whether each write took effect. Every interrogation does this, so an
 * interruption is resolved the moment the pump is read again.
 */
export function settleOpenSessions(
  deps: OutcomeDeps & { now: () => Date },
  status: PumpStatus,
  actor: { username: string; role: string | null },
): Array<{ sessionId: string; outcome: 'confirmed' | 'rejected' }> {
  const resolved: Array<{ sessionId: string; outcome: 'confirmed' | 'rejected' }> = [];
  for (const session of openSessions(deps.db, status.serial)) {
    const write = JSON.parse(session.intentJson) as ProgramWrite;
    const applied = status.lastTransactionId === write.transactionId;
    // Read later, the reservoir has drained and a bridge may have ended: the program fields decide.
    const mismatches = compareReadBack({ ...write, reservoirVolumeMl: undefined, bridge: undefined }, status);
    const outcome = applied && mismatches.length === 0 ? 'confirmed' : 'rejected';
    recordOutcome(deps, session.id, { atUtc: deps.now().toISOString(), pumpTime: status.pumpTime, actor: actor.username, role: actor.role, pumpSerial: status.serial, action: 'pump.program.resolve' }, outcome, { sessionId: session.sessionUuid, applied, mismatches });
    resolved.push({ sessionId: session.sessionUuid, outcome });
  }
  return resolved;
}
