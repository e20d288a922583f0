import { dec, str } from '../core/decimal';
import { refillDiscrepancy, refillForecast, type RefillForecast } from '../core/calc/refill';
import { dailyDoseIn, dailyDoseUnit, massOf, type ConcentrationQ, type RateQ, type VolumeQ } from '../core/units';
import { bridgeBolus } from '../core/calc/bridge';
import { defaultPumpModel, findCatheterModel, findPumpModel, type PumpModel } from '../core/models';
import { deadVolume } from '../core/program';
import type { Drug, PumpSettings, PumpStatus } from '../core/pump';
import { appError, err, ok, type Result } from '../core/result';
import { findPatient, findPumpBySerial, insertRefill, type ImplantedPumpRow } from '../db/queries/records';
import { authorize, type SignedInUser } from './auth/accounts';
import { programPump, type ProgrammingDeps } from './programming';
import { settingsOfStatus } from './program-review';

export interface RefillRequest {
  nurse: SignedInUser;
  /** Every refill is double-checked by a second clinician. */
  witness: SignedInUser;
  syringe: { drug: Drug; concentration: ConcentrationQ; volumeMl: string; lot: string; expiry: string; preparedBy: string; checkedBy: string; barcode?: string };
  withdrawnMl: string;
  instilledMl: string;
  waste?: { volumeMl: string; witness: string };
  stabilityDays?: number | undefined;
  /** The reason given when the running dose is beyond a soft limit of the library. */
  acknowledgement?: string | undefined;
}

export interface RefillResult {
  refillId: number;
  discrepancyMl: string;
  discrepancyFlag: boolean;
  forecast: RefillForecast;
  outcome: 'confirmed' | 'rejected' | 'unconfirmed';
  /** The pump as read before the refill. */
  pump: PumpStatus;
  /** A concentration change: the new program and its bridge bolus. */
  change?: ConcentrationChange;
  performedAt: string;
}

export interface ConcentrationChange {
  settings: PumpSettings;
  bridge: { volumeMl: string; durationMinutes: number };
  oldRate: RateQ;
  newRate: RateQ;
  deadVolume: VolumeQ;
}

const sameConcentration = (a: ConcentrationQ, b: ConcentrationQ): boolean => massOf(a.unit) === massOf(b.unit) && dec(a.value).eq(b.value);

/**
 * A new concentration at the same daily dose: the new rate, and the bridge bolus that pushes the
 * old solution out of the pump tubing and the catheter (their dead volume, from the model data
 * and the implanted catheter length) at the old rate before the new rate starts.
 */
export function planConcentrationChange(pump: PumpStatus, registered: ImplantedPumpRow, concentration: ConcentrationQ, fallbackModel: PumpModel): Result<ConcentrationChange> {
  if (pump.mode !== 'continuous') return err(appError('INVALID_INPUT', `a concentration change is planned for a pump running simple continuous infusion; this pump is ${pump.mode}`, 'pump.mode'));
  const model = findPumpModel(registered.modelId) ?? fallbackModel;
  const catheter = registered.catheterModelId === null ? undefined : findCatheterModel(registered.catheterModelId);
  if (catheter === undefined || registered.catheterLengthCm === null) {
    return err(appError('INVALID_INPUT', `register the catheter model and implanted length of pump ${pump.serial}: the bridge bolus needs the catheter volume`, 'catheter'));
  }
  const dead = deadVolume(model, str(dec(catheter.volumeMlPerCm).mul(registered.catheterLengthCm)));
  const mass = massOf(concentration.unit);
  const dose = { value: str(dailyDoseIn(pump.dailyDose, mass)), unit: dailyDoseUnit(mass) };
  const bridge = bridgeBolus({ dailyDose: dose, oldConcentration: pump.concentration, newConcentration: concentration, deadVolume: dead }, model);
  if (!bridge.ok) return bridge;
  // The bridge runs at the old rate: its duration is the dead volume at that rate, in whole minutes.
  const minutes = dec(bridge.value.bridgeVolume.value).div(bridge.value.oldRate.value).mul(1440).toDecimalPlaces(0).toNumber();
  return ok({
    settings: { drug: pump.drug, concentration, mode: 'continuous', rate: bridge.value.newRate },
    bridge: { volumeMl: bridge.value.bridgeVolume.value, durationMinutes: Math.max(1, minutes) },
    oldRate: bridge.value.oldRate,
    newRate: bridge.value.newRate,
    deadVolume: dead,
  });
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
  if (registered === undefined) return err(appError('INVALID_INPUT', `pump ${pump.serial} is not registered to a patient`, 'pump'));
  const patient = findPatient(deps.db, registered.patientId);

  // The reservoir update re-sends the running program exactly as the pump reported it: flex steps
  // and patient bolus settings included, so a refill never changes the therapy.
  if (pump.mode === 'flex' && pump.steps === undefined) {
    return err(appError('COMMUNICATION_FAILED', 'the pump did not report its flex steps: interrogate it again; the program was not changed', 'pump'));
  }
  const s = request.syringe;
  if (s.drug !== pump.drug) {
    return err(appError('INVALID_INPUT', `the syringe holds ${s.drug} but the pump holds ${pump.drug}: a drug change needs the reservoir rinse procedure, which this version does not have`, 'syringe.drug'));
  }
  let change: ConcentrationChange | undefined;
  if (!sameConcentration(s.concentration, pump.concentration)) {
    // A new concentration: the pump is reprogrammed at the same daily dose, with the forced bridge.
    const physician = authorize(request.nurse, 'pump.program');
    if (!physician.ok) return err(appError('FORBIDDEN', `the syringe is ${s.concentration.value} ${s.concentration.unit} but the pump holds ${pump.concentration.value} ${pump.concentration.unit}: a concentration change is programmed by a physician`, 'syringe.concentration'));
    const plan = planConcentrationChange(pump, registered, s.concentration, deps.model ?? defaultPumpModel());
    if (!plan.ok) return plan;
    change = plan.value;
  }
  if (s.expiry < deps.now().toISOString().slice(0, 10)) return err(appError('INVALID_INPUT', `the syringe expired on ${s.expiry}`, 'syringe.expiry'));
  if (dec(request.instilledMl).gt(s.volumeMl)) return err(appError('INVALID_INPUT', 'more was instilled than the syringe held', 'instilledMl'));
  const capacity = dec(pump.reservoirCapacity.value);
  if (dec(request.instilledMl).gt(capacity)) {
    return err(appError('OUT_OF_RANGE', `${request.instilledMl} mL is more than the reservoir capacity of ${pump.reservoirCapacity.value} mL: overfilling is refused`, 'instilledMl'));
  }
  const { discrepancy, flag } = refillDiscrepancy(capacity, dec(pump.reservoirVolume.value), dec(request.withdrawnMl));

  const programmed = await programPump(deps, {
    actor: request.nurse,
    witness: request.witness,
    patientId: patient?.identifier,
    settings: change?.settings ?? settingsOfStatus(pump),
    bridge: change?.bridge,
    requireWitness: true,
    reservoirVolumeMl: request.instilledMl,
    acknowledgement: request.acknowledgement,
    indication: patient?.indication ?? undefined,
    action: change === undefined ? 'pump.reservoir.update' : 'pump.program',
  });
  if (!programmed.ok) return programmed;

  const fillDate = deps.now().toISOString().slice(0, 10);
  const forecast = refillForecast({
    capacity: pump.reservoirCapacity,
    alarmVolume: pump.lowReservoirAlarmVolume,
    fillVolume: { value: request.instilledMl, unit: 'mL' },
    rate: change?.settings.rate ?? pump.rate,
    fillDate,
    stabilityDays: request.stabilityDays,
    replaceByDate: pump.replaceByDate,
  });
  if (!forecast.ok) return forecast;
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
      new: { withdrawnMl: request.withdrawnMl, instilledMl: request.instilledMl, discrepancyMl: str(discrepancy), discrepancyFlag: flag, lot: s.lot, sessionId: programmed.value.sessionId, nextRefillDate: forecast.value.nextRefillDate, ...(change === undefined ? {} : { newConcentration: change.settings.concentration, newRate: change.newRate, bridge: change.bridge }) },
      reason: flag ? 'refill discrepancy above threshold: check for pocket fill or pump malfunction' : null,
      outcome: programmed.value.outcome,
    });
    return insertRefill(deps.db, {
      pumpId: registered.id,
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
      newReservoirMl: request.instilledMl,
      wasteMl: request.waste?.volumeMl ?? null,
      wasteWitness: request.waste?.witness ?? null,
      auditSeq: record.seq,
    });
  });
  return ok({ refillId, discrepancyMl: str(discrepancy), discrepancyFlag: flag, forecast: forecast.value, outcome: programmed.value.outcome, pump, performedAt, ...(change === undefined ? {} : { change }) });
}
