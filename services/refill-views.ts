import type { ApiOutput, ApiParsedInput } from '../core/api/contract';
import { discrepancyThreshold, refillDiscrepancy } from '../core/calc/refill';
import { dec, str } from '../core/decimal';
import type { PumpModel } from '../core/models';
import type { PumpStatus } from '../core/pump';
import { err, ok, type Result } from '../core/result';
import { findPumpBySerial, type PatientRow } from '../db/queries/records';
import type { SignedInUser } from './auth/accounts';
import { refillForecastFor, type ForecastDeps } from './forecast';
import { reviewProgram, settingsOfStatus } from './program-review';
import { orderFor } from './refill-order';
import { planForOrder, type ConcentrationChange } from './refill-plan';
import { reservoirAfterFill } from './refill-fill';
import { type RefillResult } from './refill-request';
import { compareProgram } from './refill-visit';
import type { ReviewDeps } from './program-preview';
import { said } from '../core/messages';

export interface RefillPreviewDeps extends ReviewDeps {
  forecast: ForecastDeps;
}

/**
 * The refill wizard's figures before anything is sent: the discrepancy of what was withdrawn, the
 * planned change of drug or concentration (checked against the drug library) and the forecast
 * after the fill, by the same rules and the same forecast as the refill itself.
 */
export function previewRefill(
  deps: RefillPreviewDeps,
  status: PumpStatus,
  input: ApiParsedInput<'refill:preview'>,
): Result<ApiOutput<'refill:preview'>> {
  const capacity = dec(status.reservoirCapacity.value);
  const { discrepancy, flag } = refillDiscrepancy(capacity, dec(status.reservoirVolume.value), dec(input.withdrawnMl));
  let concentrationChange = null;
  const registered = findPumpBySerial(deps.db, status.serial);
  let plan: Result<ConcentrationChange | undefined> = ok(undefined);
  if (input.prescriptionId !== undefined) {
    if (registered === undefined)
      return err(said('INVALID_INPUT', 'pumpNotRegistered', { serial: status.serial }, 'pump'));
    const order = orderFor(deps, input.prescriptionId, registered);
    if (!order.ok) return order;
    const wanted = order.value.components[0];
    if (wanted !== undefined) plan = planForOrder(status, registered, wanted, deps.model, input.patientBolus);
  }
  if (!plan.ok) return plan;
  if (plan.value !== undefined) {
    const p = plan.value;
    const review = reviewProgram(deps.library, deps.model, status, p.settings, deps.context, { bridged: true });
    if (!review.ok) return review;
    concentrationChange = { ...concentrationChangeView(p), check: review.value.check };
  }
  let forecast = null;
  if (input.instilledMl !== undefined) {
    // The acknowledgement of an emptied reservoir with less out than counted is asked for at the Finish screen.
    const fill = reservoirAfterFill(status, {
      withdrawnMl: input.withdrawnMl,
      instilledMl: input.instilledMl,
      reservoirEmptied: input.reservoirEmptied,
      acknowledged: true,
    });
    if (!fill.ok) return fill;
    const f = refillForecastFor(deps.forecast, status, deps.model, {
      instilledMl: fill.value,
      settings: plan.value?.settings ?? settingsOfStatus(status),
      beyondUseDate: input.beyondUseDate,
    });
    if (!f.ok) return f;
    forecast = f.value;
  }
  return ok({
    pumpSerial: status.serial,
    patient: deps.patient ?? null,
    expectedResidualMl: status.reservoirVolume.value,
    discrepancyMl: str(discrepancy),
    discrepancyFlag: flag,
    thresholdMl: str(discrepancyThreshold(capacity)),
    capacityMl: status.reservoirCapacity.value,
    forecast,
    concentrationChange,
  });
}

/** The refill report: what the pump runs now, the fill, who did and witnessed it, the forecast. */
export function refillReport(
  v: RefillResult,
  input: ApiParsedInput<'refill:perform'>,
  people: { nurse: SignedInUser; witness: SignedInUser; patient: PatientRow | undefined },
  model: PumpModel,
): ApiOutput<'refill:perform'> {
  return {
    refillId: v.refillId,
    outcome: v.outcome,
    discrepancyMl: v.discrepancyMl,
    discrepancyFlag: v.discrepancyFlag,
    patient: people.patient ?? null,
    pumpSerial: v.pump.serial,
    drug: v.change?.settings.drug ?? v.pump.drug,
    concentration: v.change?.settings.concentration ?? v.pump.concentration,
    dailyDose: v.change?.dailyDose ?? v.pump.dailyDose,
    rate: v.change?.settings.rate ?? v.pump.rate,
    concentrationChange: v.change === undefined ? null : concentrationChangeView(v.change),
    newReservoirMl: v.newReservoirMl,
    nurse: people.nurse.displayName,
    witness: people.witness.displayName,
    performedAt: v.performedAt,
    pumpModel: model.name,
    withdrawnMl: input.withdrawnMl,
    instilledMl: input.instilledMl,
    syringe: { lot: input.syringe.lot, expiry: input.syringe.expiry },
    forecast: v.forecast,
    program: v.readBack === undefined ? null : compareProgram(v.pump, v.readBack),
    reviewId: v.reviewId ?? null,
    ...(input.refillOnly === true ? { refillOnly: true } : {}),
    ...(v.discrepancyFlag && input.discrepancyAcknowledgement !== undefined
      ? {
          discrepancyAcknowledgement: {
            checked: input.discrepancyAcknowledgement.checked.trim(),
            patientState: input.discrepancyAcknowledgement.patientState.trim(),
          },
        }
      : {}),
  };
}

/** A planned change of drug or concentration as the API shows it. */
const concentrationChangeView = (c: ConcentrationChange) => ({
  previousDrug: c.previousDrug ?? null,
  newDrug: c.settings.drug,
  newDailyDose: c.dailyDose,
  newConcentration: c.settings.concentration,
  oldRate: c.oldRate,
  newRate: c.newRate,
  deadVolume: c.deadVolume,
  bridgeVolume: { value: c.bridge.volumeMl, unit: 'mL' as const },
  bridgeMinutes: c.bridge.durationMinutes,
  patientBolus:
    c.patientBolus === undefined
      ? null
      : {
          old: c.patientBolus.old,
          sameDose: c.patientBolus.sameDose ?? null,
          decision: c.patientBolus.decision ?? null,
        },
});
