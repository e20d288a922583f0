import { dec, str } from '../core/decimal';
import { refillDiscrepancy } from '../core/calc/refill';
import { clinicDate } from '../core/clock';
import { refillForecastFor } from './forecast';
import { workstationTimeZone } from './auth/settings';
import { defaultPumpModel } from '../core/models';
import { sameDailyDose } from '../core/program';
import { appError, err, ok, type Result } from '../core/result';
import { findPatient, findPumpBySerial } from '../db/queries/records';
import { authorize } from './auth/accounts';
import { programPump } from './programming';
import { withPumpLock } from './pump-lock';
import { reviewedOf, type ProgrammingDeps } from './programming-request';
import { settingsOfStatus } from './program-review';
import { said } from '../core/messages';
import { planForOrder, sameConcentration, type ConcentrationChange } from './refill-plan';
import { orderFor, visitRefusal } from './refill-order';
import { reservoirAfterFill, rinseAndSyringeChecks, syringeIsTheOrder } from './refill-fill';
import { recordRefill } from './refill-record';
import { acknowledges, type RefillRequest, type RefillResult } from './refill-request';

/**
 * The refill visit after the reservoir has been emptied: the syringe is checked against the drug
 * the pump holds, the withdrawn volume against the pump's expected residual (discrepancy flagged),
 * the fill against the capacity; then the new reservoir volume goes to the pump through the safe
 * programming path, and the refill is recorded with the session's outcome.
 */
export const performRefill = (deps: ProgrammingDeps, request: RefillRequest): Promise<Result<RefillResult>> =>
  withPumpLock(deps.link, () => refill(deps, request));

async function refill(deps: ProgrammingDeps, request: RefillRequest): Promise<Result<RefillResult>> {
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
  const matches = syringeIsTheOrder(s, order, wanted);
  if (!matches.ok) return matches;
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
  const rinse = rinseAndSyringeChecks(
    pump,
    request,
    drugChange,
    clinicDate(deps.now(), deps.timeZone ?? workstationTimeZone()),
  );
  if (!rinse.ok) return rinse;
  const rinseMl = rinse.value;
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
    // Everything above was decided on this reading: the write is refused if the pump changed since.
    reviewed: reviewedOf(pump),
  });
  if (!programmed.ok) return programmed;

  const performedAt = deps.now().toISOString();
  const refillId = recordRefill(deps, {
    request,
    pump,
    registered,
    patient,
    order,
    newReservoirMl,
    discrepancy,
    flag,
    change,
    drugChange,
    rinseMl,
    programmed: programmed.value,
    nextRefillDate: forecast.value.nextRefillDate,
    performedAt,
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
