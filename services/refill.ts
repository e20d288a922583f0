import { dec, maxOf, str } from '../core/decimal';
import { refillDiscrepancy, type Forecast } from '../core/calc/refill';
import { clinicDate } from '../core/clock';
import { refillForecastFor } from './forecast';
import { workstationTimeZone } from './auth/settings';
import {
  dailyDoseIn,
  dailyDoseUnit,
  massOf,
  rateQ,
  type ConcentrationQ,
  type DailyDoseQ,
  type RateQ,
  type VolumeQ,
} from '../core/units';
import { rateForDose } from '../core/calc/dose';
import { bridgeBolus } from '../core/calc/bridge';
import { defaultPumpModel, findCatheterModel, findPumpModel, type PumpModel } from '../core/models';
import { deadVolume, programSchedule, sameDailyDose } from '../core/program';
import type { Drug, PatientBolusSettings, PumpSettings, PumpStatus } from '../core/pump';
import { sameBolusDose } from '../core/calc/bolus';
import { appError, err, ok, type AppError, type Result } from '../core/result';
import { findPatient, findPumpBySerial, insertRefill, type ImplantedPumpRow } from '../db/queries/records';
import { authorize, type SignedInUser } from './auth/accounts';
import { programPump, type ProgrammingDeps } from './programming';
import { programOfStatus, settingsOfStatus } from './program-review';
import { prescriptionOfRow } from './clinical';
import { closePrescription, findPrescription } from '../db/queries/clinical';
import { insertReview } from '../db/queries/reviews';
import type { Prescription } from '../core/api/schemas';
import { said } from '../core/messages';

export interface RefillRequest {
  nurse: SignedInUser;
  /** The physician's order this refill carries out. */
  prescriptionId: number;
  /** A drug change: the volume of the new drug the reservoir was rinsed with (and withdrawn). */
  rinse?: { volumeMl: string } | undefined;
  /** Every refill is double-checked by a second clinician. */
  witness: SignedInUser;
  syringe: {
    drug: Drug;
    concentration: ConcentrationQ;
    volumeMl: string;
    lot: string;
    expiry: string;
    preparedBy: string;
    checkedBy: string;
    barcode?: string;
  };
  withdrawnMl: string;
  /** The nurse aspirated until nothing more came; otherwise what the pump expected minus what was withdrawn is still inside. */
  reservoirEmptied: boolean;
  instilledMl: string;
  waste?: { volumeMl: string; witness: string } | undefined;
  /** The reason given when the running dose is beyond a soft limit of the library. */
  acknowledgement?: string | undefined;
  /** A flagged discrepancy: what the nurse checked and the patient's state (required; puts the pump on the review list). */
  discrepancyAcknowledgement?: DiscrepancyAcknowledgement | undefined;
  /** The refill-only visit: the running program is re-sent unchanged, or nothing is done. */
  refillOnly?: boolean | undefined;
  /** A concentration or drug change on a pump with patient boluses: the physician's decision. */
  patientBolus?: PatientBolusDecision | undefined;
}

export interface DiscrepancyAcknowledgement {
  checked: string;
  patientState: string;
}

const acknowledges = (a: DiscrepancyAcknowledgement | undefined): a is DiscrepancyAcknowledgement =>
  a !== undefined && a.checked.trim().length >= 3 && a.patientState.trim().length >= 3;

export interface RefillResult {
  refillId: number;
  discrepancyMl: string;
  discrepancyFlag: boolean;
  forecast: Forecast;
  /** The reservoir volume written to the pump. */
  newReservoirMl: string;
  outcome: 'confirmed' | 'rejected' | 'unconfirmed';
  /** The pump as read before the refill. */
  pump: PumpStatus;
  /** A concentration change: the new program and its bridge bolus. */
  change?: ConcentrationChange;
  performedAt: string;
  /** The pump as read back after the write (the program it runs now), when the read-back answered. */
  readBack?: PumpStatus;
  /** The physician review a flagged discrepancy opened. */
  reviewId?: number;
}

/** A new concentration (same drug, same daily dose) or a new drug (the order's dose), with the forced bridge. */
export interface ConcentrationChange {
  /** The drug the pump held before, when the drug changes. */
  previousDrug?: Drug;
  /** The daily dose of the new program. */
  dailyDose: DailyDoseQ;
  settings: PumpSettings;
  bridge: { volumeMl: string; durationMinutes: number };
  oldRate: RateQ;
  newRate: RateQ;
  deadVolume: VolumeQ;
  /**
   * The patient bolus the pump gives now, and what it becomes: the physician decides (the same
   * dose at the new concentration, or none); nothing is decided silently. A new drug keeps none.
   */
  patientBolus?: {
    old: PatientBolusSettings;
    sameDose: PatientBolusSettings | undefined;
    decision: PatientBolusDecision | undefined;
  };
}

/** What a physician decides for the patient bolus when the concentration or the drug changes. */
export type PatientBolusDecision = 'same-dose' | 'remove';

/**
 * The patient bolus of a change: old and same-dose new, and the settings with the physician's
 * decision applied (none until decided).
 */
function withPatientBolus(
  pump: PumpStatus,
  plan: ConcentrationChange,
  decision: PatientBolusDecision | undefined,
): Result<ConcentrationChange> {
  const old = pump.patientBolus;
  if (old === undefined) return ok(plan);
  const drugChange = plan.previousDrug !== undefined;
  let sameDose: PatientBolusSettings | undefined;
  if (!drugChange) {
    const scaled = sameBolusDose(old, pump.concentration, plan.settings.concentration);
    if (!scaled.ok && decision === 'same-dose') return scaled;
    sameDose = scaled.ok ? scaled.value : undefined;
  } else if (decision === 'same-dose') {
    return err(
      said('INVALID_INPUT', 'patientBolusOtherDrug', { oldDrug: pump.drug, drug: plan.settings.drug }, 'patientBolus'),
    );
  }
  const settings =
    decision === 'same-dose' && sameDose !== undefined ? { ...plan.settings, patientBolus: sameDose } : plan.settings;
  return ok({ ...plan, settings, patientBolus: { old, sameDose, decision } });
}

export const sameConcentration = (a: ConcentrationQ, b: ConcentrationQ): boolean =>
  massOf(a.unit) === massOf(b.unit) && dec(a.value).eq(b.value);

/**
 * A new concentration at the same daily dose: the new rate, and the bridge bolus that pushes the
 * old solution out of the pump tubing and the catheter (their dead volume, from the model data
 * and the implanted catheter length) at the old rate before the new rate starts.
 */
/** Pump tubing + catheter volume, from the model data and the registered catheter length. */
function catheterDeadVolume(pump: PumpStatus, registered: ImplantedPumpRow, model: PumpModel): Result<VolumeQ> {
  const catheter = registered.catheterModelId === null ? undefined : findCatheterModel(registered.catheterModelId);
  if (catheter === undefined || registered.catheterLengthCm === null) {
    return err(said('INVALID_INPUT', 'catheterNeededForBridge', { serial: pump.serial }, 'catheter'));
  }
  return ok(deadVolume(model, str(dec(catheter.volumeMlPerCm).mul(registered.catheterLengthCm))));
}

/** The bridge runs at the old rate: its duration is the dead volume at that rate, in whole minutes. */
const bridgeMinutes = (volumeMl: string, oldRate: string): number =>
  Math.max(1, dec(volumeMl).div(oldRate).mul(1440).toDecimalPlaces(0).toNumber());

export function planConcentrationChange(
  pump: PumpStatus,
  registered: ImplantedPumpRow,
  concentration: ConcentrationQ,
  fallbackModel: PumpModel,
): Result<ConcentrationChange> {
  if (pump.mode !== 'continuous')
    return err(said('INVALID_INPUT', 'concentrationChangeNeedsContinuous', { mode: pump.mode }, 'pump.mode'));
  const model = findPumpModel(registered.modelId) ?? fallbackModel;
  const dead = catheterDeadVolume(pump, registered, model);
  if (!dead.ok) return dead;
  const mass = massOf(concentration.unit);
  const dose = { value: str(dailyDoseIn(pump.dailyDose, mass)), unit: dailyDoseUnit(mass) };
  const bridge = bridgeBolus(
    { dailyDose: dose, oldConcentration: pump.concentration, newConcentration: concentration, deadVolume: dead.value },
    model,
  );
  if (!bridge.ok) return bridge;
  return ok({
    dailyDose: dose,
    settings: { drug: pump.drug, concentration, mode: 'continuous', rate: bridge.value.newRate },
    bridge: {
      volumeMl: bridge.value.bridgeVolume.value,
      durationMinutes: bridgeMinutes(bridge.value.bridgeVolume.value, bridge.value.oldRate.value),
    },
    oldRate: bridge.value.oldRate,
    newRate: bridge.value.newRate,
    deadVolume: dead.value,
  });
}

/**
 * A new drug, at the dose the physician ordered: the catheter still holds the old drug, so the
 * bridge pushes its dead volume at the old drug's running rate (the old dose goes on until the new
 * drug reaches the tip), then the new rate R = D_new / C_new starts.
 */
export function planDrugChange(
  pump: PumpStatus,
  registered: ImplantedPumpRow,
  order: { drug: Drug; concentration: ConcentrationQ; dailyDose: DailyDoseQ },
  fallbackModel: PumpModel,
): Result<ConcentrationChange> {
  if (pump.mode !== 'continuous')
    return err(said('INVALID_INPUT', 'drugChangeNeedsContinuous', { mode: pump.mode }, 'pump.mode'));
  const model = findPumpModel(registered.modelId) ?? fallbackModel;
  const dead = catheterDeadVolume(pump, registered, model);
  if (!dead.ok) return dead;
  const rate = rateForDose({ concentration: order.concentration, dailyDose: order.dailyDose }, model);
  if (!rate.ok) return rate;
  if (dec(pump.rate.value).isZero()) return err(said('INVALID_INPUT', 'pumpNotDeliveringNoBridge', {}, 'pump.rate'));
  return ok({
    previousDrug: pump.drug,
    dailyDose: rate.value.deliveredDailyDose,
    settings: { drug: order.drug, concentration: order.concentration, mode: 'continuous', rate: rate.value.rate },
    bridge: { volumeMl: dead.value.value, durationMinutes: bridgeMinutes(dead.value.value, pump.rate.value) },
    oldRate: rateQ(dec(pump.rate.value)),
    newRate: rate.value.rate,
    deadVolume: dead.value,
  });
}

/** What filling the pump with the order's drug and concentration means: no change, or a planned change with its bridge. */
export function planForOrder(
  pump: PumpStatus,
  registered: ImplantedPumpRow,
  wanted: { drug: Drug; concentration: ConcentrationQ; dailyDose: DailyDoseQ },
  fallbackModel: PumpModel,
  bolusDecision?: PatientBolusDecision,
): Result<ConcentrationChange | undefined> {
  const plan =
    wanted.drug !== pump.drug
      ? planDrugChange(pump, registered, wanted, fallbackModel)
      : !sameConcentration(wanted.concentration, pump.concentration)
        ? planConcentrationChange(pump, registered, wanted.concentration, fallbackModel)
        : ok(undefined);
  if (!plan.ok || plan.value === undefined) return plan;
  return withPatientBolus(pump, plan.value, bolusDecision);
}

/** The order the refill carries out: open, for this patient (and this pump, when it names one), one drug. */
export function orderFor(
  deps: Pick<ProgrammingDeps, 'db'>,
  id: number,
  registered: ImplantedPumpRow,
): Result<Prescription> {
  const row = findPrescription(deps.db, id);
  if (row === undefined) return err(said('INVALID_INPUT', 'noSuchOrder', { id: String(id) }, 'prescriptionId'));
  if (row.status !== 'open')
    return err(said('CONFLICT', 'orderNotOpenForRefill', { id: String(id), status: row.status }, 'prescriptionId'));
  if (row.patientId !== registered.patientId)
    return err(said('INVALID_INPUT', 'orderOtherPatient', { id: String(id) }, 'prescriptionId'));
  if (row.pumpId !== null && row.pumpId !== registered.id)
    return err(said('INVALID_INPUT', 'orderOtherPump', { id: String(id) }, 'prescriptionId'));
  const order = prescriptionOfRow(row);
  if (order.components.length !== 1)
    return err(said('INVALID_INPUT', 'orderIsAdmixture', { id: String(id) }, 'prescriptionId'));
  return ok(order);
}

/** Why an order is not the therapy the pump runs, as a whole: the full refill wizard does it. */
export type VisitBlocker =
  'admixture' | 'drugChange' | 'concentrationChange' | 'modeChange' | 'doseChange' | 'scheduleChange';

/**
 * The one rule of the refill-only visit (checked when the order is chosen and again when the
 * refill is performed): the order is the running therapy as a whole, the same drug and
 * concentration, the same mode, the same daily dose and, for a flex order that names its steps,
 * the same steps (each step's start and its dose per day, from the therapy model's
 * programSchedule, compared as sameDailyDose compares doses). A flex order without steps keeps the
 * running schedule. Empty when the visit may re-send the running program unchanged.
 */
export function visitBlockers(order: Prescription, pump: PumpStatus): VisitBlocker[] {
  const wanted = order.components[0];
  if (order.components.length !== 1 || wanted === undefined) return ['admixture'];
  if (wanted.drug !== pump.drug) return ['drugChange'];
  const blockers: VisitBlocker[] = [];
  if (!sameConcentration(wanted.concentration, pump.concentration)) blockers.push('concentrationChange');
  if (order.mode !== pump.mode) blockers.push('modeChange');
  if (!sameDailyDose(wanted.dailyDose, pump.dailyDose)) blockers.push('doseChange');
  if (order.mode === 'flex' && pump.mode === 'flex' && order.steps !== undefined) {
    const running = programSchedule(programOfStatus(pump));
    const same =
      running.ok &&
      running.value.length === order.steps.length &&
      running.value.every((step, i) => {
        const ordered = order.steps?.[i];
        const dose = step.doses[0]?.dailyDose;
        return (
          ordered !== undefined &&
          dose !== undefined &&
          ordered.start === step.start &&
          sameDailyDose({ value: ordered.dailyDose, unit: wanted.dailyDose.unit }, dose)
        );
      });
    if (!same) blockers.push('scheduleChange');
  }
  return blockers;
}

/** The refusal of `performRefill` with `refillOnly`: plain words, routing to the full refill. */
function visitRefusal(order: Prescription, pump: PumpStatus): AppError | undefined {
  const id = String(order.id);
  for (const blocker of visitBlockers(order, pump)) {
    if (blocker === 'drugChange') return said('INVALID_INPUT', 'orderChangesDrug', { id }, 'prescriptionId');
    if (blocker === 'concentrationChange')
      return said('INVALID_INPUT', 'orderChangesConcentration', { id }, 'prescriptionId');
    if (blocker === 'modeChange') return said('INVALID_INPUT', 'orderChangesMode', { id }, 'prescriptionId');
    if (blocker === 'scheduleChange') return said('INVALID_INPUT', 'orderChangesSchedule', { id }, 'prescriptionId');
  }
  return undefined;
}

/**
 * What the reservoir holds after the fill: the instilled volume, plus what is still inside when
 * the nurse has not recorded that it was emptied (the pump's expected residual less what was
 * withdrawn). It must fit the reservoir and stay above the low-reservoir alarm volume.
 */
export function reservoirAfterFill(
  pump: PumpStatus,
  fill: {
    withdrawnMl: string;
    instilledMl: string;
    reservoirEmptied?: boolean | undefined;
    acknowledged?: boolean | undefined;
  },
): Result<string> {
  const instilled = dec(fill.instilledMl);
  const capacity = dec(pump.reservoirCapacity.value);
  const unaccounted = maxOf([dec(pump.reservoirVolume.value).minus(fill.withdrawnMl), dec(0)]) ?? dec(0);
  // "Emptied" is believed only when what came out is about what the pump counted: far less out
  // than counted may mean drug still inside (or gone elsewhere), and the fill must fit beside it.
  const flagged = refillDiscrepancy(capacity, dec(pump.reservoirVolume.value), dec(fill.withdrawnMl)).flag;
  const emptied = fill.reservoirEmptied === true;
  const emptiedBelieved = emptied && (!flagged || fill.acknowledged === true);
  // What the pump will count from now on: the nurse's word for an emptied reservoir (counting more
  // than is inside would bring the low-reservoir alarm too late) ...
  const after = emptied ? instilled : unaccounted.plus(instilled);
  // ... and what may really be inside, which must fit.
  const worstCase = (emptiedBelieved ? dec(0) : unaccounted).plus(instilled);
  if (worstCase.gt(capacity) && emptied && !emptiedBelieved) {
    // A pocket fill at the last visit leaves the reservoir truly empty with less out than counted;
    // a reservoir not really emptied overfills. Only the nurse at the septum knows: she says so.
    return err(
      said(
        'ACKNOWLEDGEMENT_REQUIRED',
        'fillOnlyIfEmpty',
        {
          counted: pump.reservoirVolume.value,
          withdrawn: fill.withdrawnMl,
          unaccounted: str(unaccounted),
          instilled: str(instilled),
        },
        'instilledMl',
      ),
    );
  }
  if (worstCase.gt(capacity)) {
    const left = emptied ? dec(0) : unaccounted;
    return err(
      left.isZero()
        ? said(
            'OUT_OF_RANGE',
            'fillAboveCapacity',
            { instilled: str(instilled), capacity: str(capacity) },
            'instilledMl',
          )
        : said(
            'OUT_OF_RANGE',
            'fillAboveCapacityWithLeft',
            { left: str(left), instilled: str(instilled), capacity: str(capacity) },
            'instilledMl',
          ),
    );
  }
  if (after.lte(pump.lowReservoirAlarmVolume.value)) {
    return err(
      said(
        'OUT_OF_RANGE',
        'fillAtOrBelowAlarm',
        { after: str(after), alarm: pump.lowReservoirAlarmVolume.value },
        'instilledMl',
      ),
    );
  }
  return ok(str(after));
}

/**
 * The refill visit after the reservoir has been emptied: the syringe is checked against the drug
 * the pump holds, the withdrawn volume against the pump's expected residual (discrepancy flagged),
 * the fill against the capacity; then the new reservoir volume goes to the pump through the safe
 * programming path, and the refill is recorded with the session's outcome.
 */
export async function performRefill(deps: ProgrammingDeps, request: RefillRequest): Promise<Result<RefillResult>> {
  const allowed = authorize(request.nurse, 'refill.record');
  if (!allowed.ok) return allowed;
  const status = await deps.link.interrogate();
  if (!status.ok) return status;
  const pump = status.value;
  const registered = findPumpBySerial(deps.db, pump.serial);
  if (registered === undefined) return err(said('INVALID_INPUT', 'pumpNotRegistered', { serial: pump.serial }, 'pump'));
  const patient = findPatient(deps.db, registered.patientId);

  // The reservoir update re-sends the running program exactly as the pump reported it: flex steps
  // and patient bolus settings included, so a refill never changes the therapy.
  if (pump.mode === 'flex' && pump.steps === undefined) {
    return err(said('COMMUNICATION_FAILED', 'flexStepsNotReportedRefill', {}, 'pump'));
  }
  const s = request.syringe;
  const ordered = orderFor(deps, request.prescriptionId, registered);
  if (!ordered.ok) return ordered;
  const order = ordered.value;
  const wanted = order.components[0];
  if (wanted === undefined) return err(appError('INTERNAL', 'an order without a drug'));
  // The syringe is checked against the order (and, below, against the drug the pump holds).
  if (s.drug !== wanted.drug || !sameConcentration(s.concentration, wanted.concentration)) {
    return err(
      said(
        'INVALID_INPUT',
        'syringeNotTheOrder',
        {
          drug: s.drug,
          concentration: s.concentration.value,
          unit: s.concentration.unit,
          id: String(order.id),
          orderDrug: wanted.drug,
          orderConcentration: wanted.concentration.value,
          orderUnit: wanted.concentration.unit,
        },
        'syringe',
      ),
    );
  }
  const drugChange = s.drug !== pump.drug;
  const concentrationChange = !drugChange && !sameConcentration(s.concentration, pump.concentration);
  if (!drugChange && !sameDailyDose(wanted.dailyDose, pump.dailyDose)) {
    return err(
      said(
        'INVALID_INPUT',
        'orderDoseNotRunning',
        {
          id: String(order.id),
          dose: wanted.dailyDose.value,
          unit: wanted.dailyDose.unit,
          pumpDose: pump.dailyDose.value,
          pumpUnit: pump.dailyDose.unit,
        },
        'prescriptionId',
      ),
    );
  }
  // The refill-only visit: the order must be the running therapy as a whole (the visit's own rule).
  const refusal = request.refillOnly === true ? visitRefusal(order, pump) : undefined;
  if (refusal !== undefined) return err(refusal);
  let change: ConcentrationChange | undefined;
  if (drugChange || concentrationChange) {
    // A new drug or concentration: a physician reprograms, with the forced bridge bolus.
    const physician = authorize(request.nurse, 'pump.program');
    if (!physician.ok) {
      return err(
        drugChange
          ? said('FORBIDDEN', 'drugChangeByPhysician', { drug: s.drug, pumpDrug: pump.drug }, 'syringe.drug')
          : said(
              'FORBIDDEN',
              'concentrationChangeByPhysician',
              {
                concentration: s.concentration.value,
                unit: s.concentration.unit,
                pumpConcentration: pump.concentration.value,
                pumpUnit: pump.concentration.unit,
              },
              'syringe.concentration',
            ),
      );
    }
    const plan = planForOrder(pump, registered, wanted, deps.model ?? defaultPumpModel(), request.patientBolus);
    if (!plan.ok) return plan;
    change = plan.value;
    const bolus = change?.patientBolus;
    if (bolus !== undefined && bolus.decision === undefined) {
      return err(
        bolus.sameDose === undefined
          ? said('INVALID_INPUT', 'patientBolusDecision', { volume: bolus.old.volumeMl }, 'patientBolus')
          : said(
              'INVALID_INPUT',
              'patientBolusDecisionSameDose',
              { volume: bolus.old.volumeMl, sameVolume: bolus.sameDose.volumeMl },
              'patientBolus',
            ),
      );
    }
  }
  if (change !== undefined && !request.reservoirEmptied) {
    return err(said('INVALID_INPUT', 'emptyReservoirFirst', {}, 'reservoirEmptied'));
  }
  if (drugChange && request.rinse === undefined) {
    return err(said('INVALID_INPUT', 'rinseNeeded', { oldDrug: pump.drug, drug: s.drug }, 'rinse'));
  }
  const rinseMl = drugChange ? (request.rinse?.volumeMl ?? '0') : '0';
  if (drugChange && dec(rinseMl).isZero()) return err(said('INVALID_INPUT', 'rinseNotPositive', {}, 'rinse.volumeMl'));
  if (dec(rinseMl).gt(pump.reservoirCapacity.value))
    return err(
      said(
        'OUT_OF_RANGE',
        'rinseAboveCapacity',
        { rinse: rinseMl, capacity: pump.reservoirCapacity.value },
        'rinse.volumeMl',
      ),
    );
  if (dec(rinseMl).plus(request.instilledMl).gt(s.volumeMl))
    return err(
      said(
        'INVALID_INPUT',
        'rinseAndFillAboveSyringe',
        { rinse: rinseMl, instilled: request.instilledMl, syringe: s.volumeMl },
        'instilledMl',
      ),
    );
  const today = clinicDate(deps.now(), deps.timeZone ?? workstationTimeZone());
  if (s.expiry < today) return err(said('INVALID_INPUT', 'syringeExpired', { expiry: s.expiry }, 'syringe.expiry'));
  if (dec(request.instilledMl).gt(s.volumeMl))
    return err(said('INVALID_INPUT', 'instilledAboveSyringe', {}, 'instilledMl'));
  const fill = reservoirAfterFill(pump, {
    ...request,
    acknowledged:
      (request.acknowledgement ?? '').trim().length >= 3 || acknowledges(request.discrepancyAcknowledgement),
  });
  if (!fill.ok) return fill;
  const newReservoirMl = fill.value;
  const capacity = dec(pump.reservoirCapacity.value);
  const { discrepancy, flag } = refillDiscrepancy(capacity, dec(pump.reservoirVolume.value), dec(request.withdrawnMl));
  const discrepancyAck = request.discrepancyAcknowledgement;
  if (flag && !acknowledges(discrepancyAck)) {
    return err(
      said(
        'DISCREPANCY_UNACKNOWLEDGED',
        'discrepancyNeedsAcknowledgement',
        { counted: pump.reservoirVolume.value, withdrawn: request.withdrawnMl, discrepancy: str(discrepancy) },
        'discrepancyAcknowledgement',
      ),
    );
  }
  const settings = change?.settings ?? settingsOfStatus(pump);
  // Every figure of the visit is computed before anything is sent: nothing after the write may fail on input.
  const forecast = refillForecastFor(
    {
      db: deps.db,
      now: deps.now,
      library: deps.library,
      timeZone: deps.timeZone ?? workstationTimeZone(),
      marginDays: deps.marginDays ?? 0,
    },
    pump,
    deps.model ?? defaultPumpModel(),
    {
      instilledMl: newReservoirMl,
      settings,
      beyondUseDate: s.expiry,
    },
  );
  if (!forecast.ok) return forecast;

  const programmed = await programPump(deps, {
    actor: request.nurse,
    witness: request.witness,
    patientId: patient?.identifier,
    settings,
    bridge: change?.bridge,
    requireWitness: true,
    reservoirVolumeMl: newReservoirMl,
    acknowledgement: request.acknowledgement,
    action: change === undefined ? 'pump.reservoir.update' : 'pump.program',
  });
  if (!programmed.ok) return programmed;

  const performedAt = deps.now().toISOString();
  const refillId = deps.audit.commit(() => {
    const record = deps.audit.append({
      atUtc: deps.now().toISOString(),
      pumpTime: pump.pumpTime,
      actor: request.nurse.username,
      role: request.nurse.role,
      witness: request.witness.username,
      patientId: patient?.identifier ?? null,
      pumpSerial: pump.serial,
      action: 'refill.record',
      old: { reservoirVolume: pump.reservoirVolume },
      new: {
        prescriptionId: order.id,
        withdrawnMl: request.withdrawnMl,
        reservoirEmptied: request.reservoirEmptied,
        instilledMl: request.instilledMl,
        newReservoirMl,
        ...(order.fillVolumeMl === null ? {} : { orderedFillMl: order.fillVolumeMl }),
        discrepancyMl: str(discrepancy),
        discrepancyFlag: flag,
        lot: s.lot,
        sessionId: programmed.value.sessionId,
        nextRefillDate: forecast.value.nextRefillDate,
        ...(change === undefined
          ? {}
          : {
              newDrug: change.settings.drug,
              newConcentration: change.settings.concentration,
              newDailyDose: change.dailyDose,
              newRate: change.newRate,
              bridge: change.bridge,
            }),
        ...(drugChange ? { rinseMl } : {}),
        ...(flag && discrepancyAck !== undefined
          ? {
              discrepancyAcknowledgement: {
                checked: discrepancyAck.checked.trim(),
                patientState: discrepancyAck.patientState.trim(),
              },
              physicianReview: 'required',
            }
          : {}),
        ...(request.refillOnly === true ? { refillOnly: true } : {}),
      },
      reason: flag ? 'refill discrepancy above threshold: check for pocket fill or pump malfunction' : null,
      outcome: programmed.value.outcome,
    });
    // The order is carried out once the pump has the refill (a rejected write leaves it open).
    if (programmed.value.outcome !== 'rejected') closePrescription(deps.db, order.id, 'filled');
    const id = insertRefill(deps.db, {
      pumpId: registered.id,
      prescriptionId: order.id,
      performedAt,
      nurse: request.nurse.username,
      witness: request.witness.username,
      syringeDrug: s.drug,
      syringeConcentrationJson: JSON.stringify(s.concentration),
      syringeLot: s.lot,
      syringeExpiry: s.expiry,
      syringeVolumeMl: s.volumeMl,
      preparedBy: s.preparedBy,
      checkedBy: s.checkedBy,
      barcode: s.barcode ?? null,
      expectedResidualMl: pump.reservoirVolume.value,
      withdrawnMl: request.withdrawnMl,
      discrepancyMl: str(discrepancy),
      discrepancyFlag: flag,
      instilledMl: request.instilledMl,
      newReservoirMl,
      wasteMl: request.waste?.volumeMl ?? null,
      wasteWitness: request.waste?.witness ?? null,
      auditSeq: record.seq,
    });
    // A flagged discrepancy puts the pump on the physician's review list, with the nurse's acknowledgement.
    const review =
      flag && discrepancyAck !== undefined
        ? insertReview(deps.db, {
            pumpId: registered.id,
            refillId: id,
            flaggedAt: performedAt,
            nurse: request.nurse.username,
            expectedMl: pump.reservoirVolume.value,
            withdrawnMl: request.withdrawnMl,
            discrepancyMl: str(discrepancy),
            checked: discrepancyAck.checked.trim(),
            patientState: discrepancyAck.patientState.trim(),
            auditSeq: record.seq,
          })
        : undefined;
    return { id, review };
  });
  return ok({
    refillId: refillId.id,
    ...(refillId.review === undefined ? {} : { reviewId: refillId.review }),
    ...(programmed.value.status === undefined ? {} : { readBack: programmed.value.status }),
    discrepancyMl: str(discrepancy),
    discrepancyFlag: flag,
    forecast: forecast.value,
    newReservoirMl,
    outcome: programmed.value.outcome,
    pump,
    performedAt,
    ...(change === undefined ? {} : { change }),
  });
}
