import { dec, str } from '../core/decimal';
import { refillDiscrepancy, refillForecast, type RefillForecast } from '../core/calc/refill';
import type { ConcentrationQ } from '../core/units';
import { concentrationIn, massOf } from '../core/units';
import type { Drug, PumpStatus } from '../core/pump';
import { appError, err, ok, type Result } from '../core/result';
import { findPatient, findPumpBySerial, insertRefill } from '../db/queries/records';
import { authorize, type SignedInUser } from './auth/accounts';
import { programPump, type ProgrammingDeps } from './programming';

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
  /** The pump as read before the refill: its drug, concentration and program are unchanged by it. */
  pump: PumpStatus;
  performedAt: string;
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

  // The reservoir update re-sends the running program; a flex schedule is not in the status this
  // path reads, so it must never be replaced by its current step (refused until the flex-aware
  // refill exists).
  if (pump.mode === 'flex') {
    return err(appError('INVALID_INPUT', 'this pump runs a flex schedule: its reservoir update needs the flex-aware refill, which this version does not have; the program was not changed', 'pump'));
  }
  const s = request.syringe;
  const mass = massOf(s.concentration.unit);
  if (s.drug !== pump.drug || !concentrationIn(s.concentration, mass).eq(concentrationIn(pump.concentration, mass))) {
    return err(appError('INVALID_INPUT', `the syringe holds ${s.drug} ${s.concentration.value} ${s.concentration.unit} but the pump holds ${pump.drug} ${pump.concentration.value} ${pump.concentration.unit}`, 'syringe'));
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
    settings: { drug: pump.drug, concentration: pump.concentration, mode: pump.mode, rate: pump.rate },
    reservoirVolumeMl: request.instilledMl,
    acknowledgement: request.acknowledgement,
    indication: patient?.indication ?? undefined,
    action: 'pump.reservoir.update',
  });
  if (!programmed.ok) return programmed;

  const fillDate = deps.now().toISOString().slice(0, 10);
  const forecast = refillForecast({
    capacity: pump.reservoirCapacity,
    alarmVolume: pump.lowReservoirAlarmVolume,
    fillVolume: { value: request.instilledMl, unit: 'mL' },
    rate: pump.rate,
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
      new: { withdrawnMl: request.withdrawnMl, instilledMl: request.instilledMl, discrepancyMl: str(discrepancy), discrepancyFlag: flag, lot: s.lot, sessionId: programmed.value.sessionId, nextRefillDate: forecast.value.nextRefillDate },
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
  return ok({ refillId, discrepancyMl: str(discrepancy), discrepancyFlag: flag, forecast: forecast.value, outcome: programmed.value.outcome, pump, performedAt });
}
