import { dec, str } from '../core/decimal';
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
import { findCatheterModel, findPumpModel, type PumpModel } from '../core/models';
import { deadVolume } from '../core/program';
import type { Drug, PatientBolusSettings, PumpSettings, PumpStatus } from '../core/pump';
import { sameBolusDose } from '../core/calc/bolus';
import { err, ok, type Result } from '../core/result';
import type { ImplantedPumpRow } from '../db/queries/records';
import { said } from '../core/messages';

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

/**
 * A new concentration at the same daily dose: the new rate, and the bridge bolus that pushes the
 * old solution out of the pump tubing and the catheter (their dead volume, from the model data
 * and the implanted catheter length) at the old rate before the new rate starts.
 */
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
