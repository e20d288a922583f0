import { dec, ROUND_DOWN, ROUND_UP, str, toPlaces } from '../decimal';
import { primingBolus } from '../calc/priming';
import { findCatheterModel, type PumpModel } from '../models';
import type { Drug } from '../pump';
import { err, ok, type Result } from '../result';
import {
  concentrationIn,
  massOf,
  volumeQ,
  type ConcentrationQ,
  type DailyDoseQ,
  type MassUnit,
  type VolumeQ,
} from '../units';
import type { OpioidTolerance } from './schema';
import { said } from '../messages';

/** The pump takes bolus volumes in whole microlitres (docs/wand-protocol.md). */
const WIRE_VOLUME_PLACES = 3;

export type ClinicianBolusKind = 'single' | 'priming';

/** What the physician asks for: a single bolus by its dose, or a priming bolus of the registered catheter. */
export type ClinicianBolusRequest =
  | { kind: 'single'; dose: string; durationMinutes: number }
  | { kind: 'priming'; durationMinutes: number; catheterPrimed: boolean };

/** The pump's registration as far as a priming bolus needs it. */
export interface CatheterRegistration {
  catheterModelId: string | null;
  catheterLengthCm: string | null;
}

/** A bolus as it is sent: its volume in whole microlitres and its duration. */
export interface PlannedBolus {
  kind: ClinicianBolusKind;
  volume: VolumeQ;
  durationMinutes: number;
  /** For a priming bolus: the physician's answer to "is the catheter already primed?". */
  catheterPrimed?: boolean | undefined;
}

/**
 * The volume of a bolus: a single bolus from its dose at the pump's concentration, rounded down to
 * the microlitre (never more than ordered); a priming bolus from the pump model's tubing and the
 * registered catheter over its implanted length, rounded up (the whole dead volume is filled).
 */
export function planClinicianBolus(
  request: ClinicianBolusRequest,
  concentration: ConcentrationQ,
  model: PumpModel,
  registration: CatheterRegistration | undefined,
): Result<PlannedBolus> {
  if (!Number.isInteger(request.durationMinutes) || request.durationMinutes < 1 || request.durationMinutes > 1440) {
    return err(said('INVALID_INPUT', 'bolusDurationRange', {}, 'durationMinutes'));
  }
  if (request.kind === 'single') {
    const mass = massOf(concentration.unit);
    const c = concentrationIn(concentration, mass);
    if (c.isZero()) return err(said('INVALID_INPUT', 'pumpReportsNoConcentration', {}, 'concentration'));
    const volume = toPlaces(dec(request.dose).div(c), WIRE_VOLUME_PLACES, ROUND_DOWN);
    if (volume.isZero())
      return err(
        said(
          'INVALID_INPUT',
          'bolusBelowMicrolitre',
          {
            dose: request.dose,
            unit: mass,
            concentration: concentration.value,
            concentrationUnit: concentration.unit,
          },
          'dose',
        ),
      );
    return ok({ kind: 'single', volume: volumeQ(volume), durationMinutes: request.durationMinutes });
  }
  const catheter = registration?.catheterModelId == null ? undefined : findCatheterModel(registration.catheterModelId);
  if (catheter === undefined || registration?.catheterLengthCm == null) {
    return err(said('INVALID_INPUT', 'primingNeedsCatheter', {}, 'catheter'));
  }
  const primed = primingBolus({
    pump: model,
    catheter,
    implantedLengthCm: registration.catheterLengthCm,
    concentration,
    bolusRateMlPerHour: str(dec(model.maxRateMlPerDay).div(24)),
  });
  if (!primed.ok) return primed;
  return ok({
    kind: 'priming',
    volume: volumeQ(toPlaces(dec(primed.value.volume.value), WIRE_VOLUME_PLACES, ROUND_UP)),
    durationMinutes: request.durationMinutes,
    catheterPrimed: request.catheterPrimed,
  });
}

/** A clinician bolus this pump confirmed (a session of its own): when it started, what it was and gave. */
export interface EarlierBolus {
  /** When the bolus started (ISO 8601). */
  at: string;
  kind: ClinicianBolusKind;
  volume: VolumeQ;
  durationMinutes: number;
  /** What it gave of each drug (a priming bolus filled the catheter with it). */
  doses: Array<{ drug: Drug; dose: { value: string; unit: MassUnit } }>;
}

/** What else the bolus rules need to know: the pump's reservoir, a running bridge, earlier boluses. */
export interface ClinicianBolusInput extends PlannedBolus {
  reservoirVolume: VolumeQ;
  alarmVolume: VolumeQ;
  bridgeRunning: boolean;
  /** The time of this bolus (ISO 8601). */
  now: string;
  /**
   * The clinician boluses (single and priming) the pump confirmed: at least those of the longest
   * window of the library and every priming bolus since `lastRefillAt`.
   */
  earlier: ReadonlyArray<EarlierBolus>;
  /** When the pump's last confirmed refill was (ISO 8601), or null if it has none. */
  lastRefillAt: string | null;
  /** The patient's opioid tolerance, for a bolus into a stopped pump (unknown counts as naive). */
  tolerance?: OpioidTolerance | undefined;
}

/** Per drug of the solution: what the bolus gives and the 24-hour total before and with it. */
export interface ClinicianBolusFigures {
  rate: { value: string; unit: 'mL/h' };
  doses: Array<{
    drug: Drug;
    dose: { value: string; unit: MassUnit };
    /** The program with every allowed patient bolus plus the single boluses of the last 24 h. */
    total24hBefore: DailyDoseQ;
    /** The same with this bolus (a priming bolus fills the catheter: it adds nothing, unless the catheter is already primed). */
    total24hWith: DailyDoseQ;
    /** The clinician single boluses of this drug within the library's window (24 h without one), before and with this one. */
    clinicianBoluses: {
      hours: number;
      count: number;
      before: { value: string; unit: MassUnit };
      with: { value: string; unit: MassUnit };
    };
  }>;
  /** The clinician boluses this pump confirmed within the last 24 hours (or the longest window), oldest first. */
  earlier: EarlierBolus[];
}

/** Without a window in the library, the clinician boluses of the last 24 hours are looked at. */
export const DEFAULT_BOLUS_WINDOW_HOURS = 24;
/** A priming bolus this long ago or less means the catheter is primed, refill or not. */
export const PRIMED_FOR_HOURS = 24;
