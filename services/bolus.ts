import { randomUUID } from 'node:crypto';
import { dec, str } from '../core/decimal';
import {
  DEFAULT_BOLUS_WINDOW_HOURS,
  planClinicianBolus,
  PRIMED_FOR_HOURS,
  type ClinicianBolusFigures,
  type EarlierBolus,
  type ClinicianBolusRequest,
  type PlannedBolus,
} from '../core/library/clinician-bolus';
import { checkTherapy } from '../core/library/safety';
import { clinicianBolusFindingCodes, verdictOf, type Finding, type FindingCode } from '../core/library/findings';
import { type DoseCheck } from '../core/library/facts';
import { defaultPumpModel } from '../core/models';
import type { BolusWrite, ProgramWrite, PumpSettings, PumpStatus } from '../core/pump';
import { appError, err, ok, type AppError, type Result } from '../core/result';
import { massOf, volumeQ, type VolumeQ } from '../core/units';
import type { AuditEntry } from '../db/audit/record';
import { findPumpBySerial } from '../db/queries/records';
import { confirmedBoluses, insertSession, openSessions } from '../db/queries/sessions';
import { authorize, type SignedInUser } from './auth/accounts';
import { workstationTimeZone } from './auth/settings';
import { batteryOf, programOfStatus, settingsOfStatus } from './program-review';
import { compareReadBack } from './read-back';
import { guarded, hardLimitError } from './programming';
import { recordOutcome, retryBookkeeping, signIfDue, writingSession } from './session-outcomes';
import { reviewedOf, type ProgrammingDeps, type ReviewedProgram } from './programming-request';
import { said } from '../core/messages';
import { reviewContext } from './safety-context';

const HOUR_MS = 3_600_000;

/** The findings the bolus itself raises; every other finding is about the program the pump already runs. */
const bolusCodes: ReadonlySet<FindingCode> = new Set<FindingCode>(clinicianBolusFindingCodes);

/** The review of a bolus: what the pump runs, what the bolus is and gives, and the safety check's verdict. */
export interface BolusReview {
  pumpSerial: string;
  kind: PlannedBolus['kind'];
  volume: VolumeQ;
  durationMinutes: number;
  rate: ClinicianBolusFigures['rate'];
  doses: ClinicianBolusFigures['doses'];
  /** The clinician boluses this pump confirmed within the last 24 h (or the library's longest window), oldest first. */
  earlier: ClinicianBolusFigures['earlier'];
  /** The reservoir now and after the bolus. */
  reservoir: { before: VolumeQ; after: VolumeQ };
  /** A priming bolus: the physician's answer to "is the catheter already primed?". */
  catheterPrimed?: boolean | undefined;
  check: DoseCheck;
  /** Every clinician bolus gives drug on top of the program: a second clinician signs, as for a dose increase. */
  witnessRequired: true;
  /** The program the pump runs, as reviewed: the bolus is refused if the pump runs another by then. */
  reviewed: ReviewedProgram;
  /** The settings the pump runs now (recorded with the bolus; unchanged by it). */
  running: PumpSettings;
}

export interface BolusRequest {
  actor: SignedInUser;
  witness?: SignedInUser | undefined;
  patientId?: string | undefined;
  bolus: ClinicianBolusRequest;
  reviewed?: ReviewedProgram | undefined;
  acknowledgement?: string | undefined;
}

export interface BolusResult {
  outcome: 'confirmed' | 'rejected' | 'unconfirmed';
  sessionId: string;
  /** What the pump did, as far as it is known: started the bolus, did not, or unknown until it is read again. */
  pumpDid: 'started' | 'not-started' | 'unknown';
  mismatches: string[];
  review: BolusReview;
  recordingProblem?: string;
}

/** A session's intent for a bolus: the program the pump runs (unchanged) and the bolus started on top of it. */
export interface BolusIntent extends ProgramWrite {
  bolus: {
    kind: PlannedBolus['kind'];
    volumeMl: string;
    durationMinutes: number;
    catheterPrimed?: boolean | undefined;
  };
}

/** A pump's hard findings about the program it already runs stay visible, but only the bolus's own can stop it (except end of service). */
const asRunning = (findings: Finding[]): Finding[] =>
  findings.map((f): Finding =>
    f.level === 'hard' && !bolusCodes.has(f.code) && f.code !== 'PUMP_END_OF_SERVICE'
      ? {
          ...f,
          level: 'soft',
          params: { ...f.params, running: 'true' },
          message: `the program the pump runs now: ${f.message}`,
        }
      : f,
  );

/** When the pump's last confirmed refill was (a program session that set the reservoir volume), or null. */
function lastRefillAt(deps: Pick<ProgrammingDeps, 'db'>, serial: string): string | null {
  const row = deps.db
    .prepare<[string], { at: string }>(
      `SELECT started_at AS at FROM programming_sessions WHERE pump_serial = ? AND outcome = 'confirmed' AND json_extract(intent_json, '$.reservoirVolumeMl') IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1`,
    )
    .get(serial);
  return row?.at ?? null;
}

/**
 * The clinician boluses the pump confirmed, single and priming, with what each gave of its drug:
 * those of the library's longest window (24 h at least) and every one since the last refill (a
 * priming bolus since then means the catheter is primed).
 */
function earlierBoluses(
  deps: Pick<ProgrammingDeps, 'db' | 'now' | 'library'>,
  serial: string,
  refilledAt: string | null,
): EarlierBolus[] {
  const hours = Math.max(
    DEFAULT_BOLUS_WINDOW_HOURS,
    PRIMED_FOR_HOURS,
    ...deps.library.entries.map((e) => e.clinicianBolus?.window?.hours ?? 0),
  );
  const windowStart = new Date(deps.now().getTime() - hours * HOUR_MS).toISOString();
  const since = refilledAt === null ? '' : refilledAt < windowStart ? refilledAt : windowStart;
  return confirmedBoluses(deps.db, serial, since).map((row) => {
    const intent = JSON.parse(row.intentJson) as BolusIntent;
    const c = intent.settings.concentration;
    return {
      at: row.startedAt,
      kind: intent.bolus.kind,
      volume: volumeQ(dec(intent.bolus.volumeMl)),
      durationMinutes: intent.bolus.durationMinutes,
      doses: [
        {
          drug: intent.settings.drug,
          dose: { value: str(dec(intent.bolus.volumeMl).mul(c.value)), unit: massOf(c.unit) },
        },
      ],
    };
  });
}

/**
 * The one safety check for a bolus on the pump as it was just read: the drug library (the
 * clinician-bolus limit, the 24-hour total with the bolus against the daily ceiling) with the pump's
 * history and the patient, the pump model's maximum rate, the reservoir, a running bridge, and for
 * a priming bolus the catheter from the pump's registration and whether it is already primed.
 */
export function reviewBolus(
  deps: ProgrammingDeps,
  status: PumpStatus,
  bolus: ClinicianBolusRequest,
): Result<BolusReview> {
  const blocked = openSessions(deps.db, status.serial)[0];
  if (blocked !== undefined) {
    return err(
      said('PROGRAMMING_BLOCKED', 'sessionUnresolved', { session: blocked.sessionUuid, serial: status.serial }),
    );
  }
  if (status.mode === 'flex' && status.steps === undefined)
    return err(said('COMMUNICATION_FAILED', 'flexStepsNotReported', {}, 'pump'));
  const model = deps.model ?? defaultPumpModel();
  const registered = findPumpBySerial(deps.db, status.serial);
  const plan = planClinicianBolus(bolus, status.concentration, model, registered);
  if (!plan.ok) return plan;
  const context = reviewContext(
    { db: deps.db, now: deps.now, timeZone: deps.timeZone ?? workstationTimeZone(), link: deps.link },
    deps.library,
    model,
    status.serial,
  );
  const running = programOfStatus(status);
  const refilledAt = lastRefillAt(deps, status.serial);
  const checked = checkTherapy(
    deps.library,
    {
      program: running,
      running,
      history: context.history,
      patient: context.patient,
      battery: batteryOf(status),
      now: context.now,
      clinicalUse: context.clinicalUse,
      clinicianBolus: {
        ...plan.value,
        reservoirVolume: status.reservoirVolume,
        alarmVolume: status.lowReservoirAlarmVolume,
        bridgeRunning: status.bridge !== undefined,
        now: context.now,
        earlier: earlierBoluses(deps, status.serial, refilledAt),
        lastRefillAt: refilledAt,
        tolerance: context.patient?.tolerance,
      },
    },
    model,
  );
  if (!checked.ok) return checked;
  const figures = checked.value.clinicianBolus;
  if (figures === undefined) return err(appError('INTERNAL', 'the safety check returned no bolus figures'));
  const findings = asRunning(checked.value.findings);
  const volume = dec(plan.value.volume.value);
  const left = dec(status.reservoirVolume.value).minus(volume);
  return ok({
    pumpSerial: status.serial,
    kind: plan.value.kind,
    volume: plan.value.volume,
    durationMinutes: plan.value.durationMinutes,
    rate: figures.rate,
    doses: figures.doses,
    earlier: figures.earlier,
    reservoir: { before: status.reservoirVolume, after: volumeQ(left.isNegative() ? dec(0) : left) },
    ...(plan.value.catheterPrimed === undefined ? {} : { catheterPrimed: plan.value.catheterPrimed }),
    check: { verdict: verdictOf(findings), findings, library: checked.value.library },
    witnessRequired: true,
    reviewed: reviewedOf(status),
    running: settingsOfStatus(status),
  });
}

/** The review of a bolus without sending anything (physicians). */
export async function previewBolus(
  deps: ProgrammingDeps,
  actor: SignedInUser,
  bolus: ClinicianBolusRequest,
): Promise<Result<BolusReview>> {
  const allowed = authorize(actor, 'pump.program');
  if (!allowed.ok) return allowed;
  const read = await deps.link.interrogate();
  if (!read.ok) return read;
  return reviewBolus(deps, read.value, bolus);
}

const sameAsReviewed = (status: PumpStatus, reviewed: ReviewedProgram): boolean => {
  const now = reviewedOf(status);
  return (
    now.mode === reviewed.mode &&
    dec(now.rate).eq(reviewed.rate) &&
    now.drug === reviewed.drug &&
    now.concentration === reviewed.concentration &&
    now.lastTransactionId === reviewed.lastTransactionId
  );
};

/**
 * Gives a single or priming bolus through the wand, the way a program is written: physicians only;
 * the one safety check; a reason for soft findings and a witness always; the intent committed to
 * the audit trail and a session opened BEFORE anything is sent; the bolus started with its own
 * transaction id; the pump read back (it must name that transaction and still run its program);
 * the outcome recorded. An outcome that cannot be confirmed is UNCONFIRMED and blocks programming
 * of the pump until it is read again (`settleOpenSessions`).
 */
export async function deliverBolus(deps: ProgrammingDeps, request: BolusRequest): Promise<Result<BolusResult>> {
  const allowed = authorize(request.actor, 'pump.program');
  if (!allowed.ok) return allowed;
  if (deps.link.startBolus === undefined) return err(said('NOT_AVAILABLE', 'bolusNotSupported', {}));
  retryBookkeeping(deps);
  deps.frames?.take(); // frames from before this session are not part of it
  const read = await deps.link.interrogate();
  if (!read.ok) return read;
  const old = read.value;
  const blocked = openSessions(deps.db, old.serial)[0];
  if (blocked !== undefined) {
    return err(said('PROGRAMMING_BLOCKED', 'sessionUnresolved', { session: blocked.sessionUuid, serial: old.serial }));
  }
  if (request.reviewed !== undefined && !sameAsReviewed(old, request.reviewed)) {
    return err(said('CONFLICT', 'bolusProgramChangedSinceReview', { serial: old.serial }));
  }
  const reviewed = reviewBolus(deps, old, request.bolus);
  if (!reviewed.ok) return reviewed;
  const review = reviewed.value;
  const check = review.check;

  const atUtc = deps.now().toISOString();
  const base: Omit<AuditEntry, 'outcome'> = {
    atUtc,
    pumpTime: old.pumpTime,
    actor: request.actor.username,
    role: request.actor.role,
    witness: request.witness?.username ?? null,
    patientId: request.patientId ?? null,
    pumpSerial: old.serial,
    action: 'pump.bolus',
    libraryVersion: `${check.library.version}:${check.library.hash}`,
  };
  const oldValues = {
    drug: old.drug,
    concentration: old.concentration,
    mode: old.mode,
    rate: old.rate,
    dailyDose: old.dailyDose,
    reservoirVolume: old.reservoirVolume,
  };
  const bolusValues = {
    kind: review.kind,
    volume: review.volume,
    durationMinutes: review.durationMinutes,
    rate: review.rate,
    doses: review.doses,
    reservoirAfter: review.reservoir.after,
    ...(review.catheterPrimed === undefined ? {} : { catheterPrimed: review.catheterPrimed }),
  };
  const refuse = (error: AppError) => {
    try {
      deps.audit.append({
        ...base,
        old: oldValues,
        new: bolusValues,
        acknowledgements: check.findings,
        reason: error.message,
        outcome: 'rejected',
      });
    } catch {
      // Nothing was sent: the refusal stands even if it cannot be recorded.
    }
    return err(error);
  };
  if (check.verdict === 'hard') return refuse(hardLimitError(check.findings));
  if (check.verdict === 'soft' && (request.acknowledgement ?? '').trim().length < 3)
    return refuse(said('ACKNOWLEDGEMENT_REQUIRED', 'softLimitsNeedReason', {}));
  if (request.witness === undefined) return refuse(said('WITNESS_REQUIRED', 'bolusNeedsWitness', {}));

  const sessionId = randomUUID();
  const transactionId = randomUUID();
  const intent: BolusIntent = {
    sessionId,
    transactionId,
    settings: review.running,
    bolus: {
      kind: review.kind,
      volumeMl: review.volume.value,
      durationMinutes: review.durationMinutes,
      ...(review.catheterPrimed === undefined ? {} : { catheterPrimed: review.catheterPrimed }),
    },
  };
  let sessionRow: number;
  try {
    sessionRow = deps.db
      .transaction(() => {
        const record = deps.audit.append({
          ...base,
          old: oldValues,
          new: { ...bolusValues, sessionId, transactionId },
          reason: request.acknowledgement ?? null,
          acknowledgements: check.verdict === 'soft' ? check.findings : null,
          outcome: 'pending',
        });
        return insertSession(deps.db, {
          sessionUuid: sessionId,
          pumpSerial: old.serial,
          startedAt: atUtc,
          actor: request.actor.username,
          witness: request.witness?.username ?? null,
          intentJson: JSON.stringify(intent),
          intentAuditSeq: record.seq,
        });
      })
      .immediate();
  } catch (e) {
    return err(said('STORAGE_FAILED', 'bolusNotRecordedNotSent', { detail: (e as Error).message }));
  }
  // From here the pump may act: this call owns the session until its outcome is recorded.
  writingSession.begin(sessionId);
  try {
    const problems = [signIfDue(deps)];
    const write: BolusWrite = {
      transactionId,
      kind: review.kind,
      volumeMl: review.volume.value,
      durationMinutes: review.durationMinutes,
    };
    const sent = await guarded(
      () =>
        deps.link.startBolus?.(write) ??
        Promise.resolve(err(appError('NOT_AVAILABLE', 'this link cannot start a bolus'))),
    );
    const readBack = await guarded(() => deps.link.interrogate());
    let outcome: BolusResult['outcome'];
    let mismatches: string[];
    if (!readBack.ok) {
      outcome = 'unconfirmed';
      mismatches = [`read-back failed: ${readBack.error.message}`];
    } else {
      // The pump names the bolus as its last transaction and still runs the program it ran.
      mismatches = compareReadBack(intent, readBack.value);
      if (readBack.value.lastTransactionId !== transactionId) outcome = sent.ok ? 'unconfirmed' : 'rejected';
      else outcome = mismatches.length === 0 ? 'confirmed' : 'unconfirmed';
    }
    const pumpDid: BolusResult['pumpDid'] =
      outcome === 'confirmed'
        ? 'started'
        : outcome === 'rejected'
          ? 'not-started'
          : readBack.ok && readBack.value.lastTransactionId === transactionId
            ? 'started'
            : 'unknown';
    problems.push(
      recordOutcome(deps, { id: sessionRow, uuid: sessionId }, { ...base, atUtc: deps.now().toISOString() }, outcome, {
        sessionId,
        transactionId,
        pumpDid,
        mismatches,
        ack: sent.ok ? 'received' : sent.error.message,
      }),
    );
    const recordingProblem = problems.filter((p) => p !== undefined).join('; ');
    return ok({
      outcome,
      sessionId,
      pumpDid,
      mismatches,
      review,
      ...(recordingProblem === '' ? {} : { recordingProblem }),
    });
  } finally {
    writingSession.end(sessionId);
  }
}
