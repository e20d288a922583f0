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
import {
  asRunningFinding,
  clinicianBolusFindingCodes,
  verdictOf,
  type Finding,
  type FindingCode,
} from '../core/library/findings';
import { type DoseCheck } from '../core/library/facts';
import { defaultPumpModel } from '../core/models';
import type { ProgramWrite, PumpSettings, PumpStatus } from '../core/pump';
import { appError, err, ok, type Result } from '../core/result';
import { massOf, volumeQ, type VolumeQ } from '../core/units';
import { findPumpBySerial } from '../db/queries/records';
import { confirmedBoluses } from '../db/queries/sessions';
import { batteryOf, programOfStatus, settingsOfStatus } from './program-review';
import { reviewedOf, writeReviewContext, type ProgrammingDeps, type ReviewedProgram } from './programming-request';
import { said } from '../core/messages';
import { unresolvedSession } from './safe-write';

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
const asRunning = (findings: Finding[]): Finding[] => findings.map((f) => asRunningFinding(f, bolusCodes));

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
  const blocked = unresolvedSession(deps.db, status.serial);
  if (blocked !== undefined) return err(blocked);
  if (status.mode === 'flex' && status.steps === undefined)
    return err(said('COMMUNICATION_FAILED', 'flexStepsNotReported', {}, 'pump'));
  const model = deps.model ?? defaultPumpModel();
  const registered = findPumpBySerial(deps.db, status.serial);
  const plan = planClinicianBolus(bolus, status.concentration, model, registered);
  if (!plan.ok) return plan;
  const context = writeReviewContext(deps, model, status.serial);
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
