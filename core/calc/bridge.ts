import { dec, str, toPlaces } from '../decimal';
import { defaultPumpModel, type PumpModel } from '../models';
import { ok, type Result } from '../result';
import {
  concentrationIn,
  dailyDoseIn,
  massOf,
  rateQ,
  volumeQ,
  type ConcentrationQ,
  type DailyDoseQ,
  type RateQ,
  type VolumeQ,
} from '../units';
import { roundRate } from './dose';
import { invalid } from './errors';
import { checkPumpRate } from './limits';
import { ROUNDING } from './rounding';

export interface BridgeInput {
  dailyDose: DailyDoseQ;
  oldConcentration: ConcentrationQ;
  newConcentration: ConcentrationQ;
  /** Tubing and catheter volume still holding the old drug. */
  deadVolume: VolumeQ;
}

export interface Bridge {
  oldRate: RateQ;
  newRate: RateQ;
  bridgeVolume: VolumeQ;
  bridgeDurationHours: string;
}

/**
 * After a concentration change the tubing and catheter still hold V_dead of the old solution.
 * Pushing it at the old rate R_old = D / C_old keeps the dose at D for V_dead / R_old days; then
 * the pump switches to R_new = D / C_new. Rates are rounded to the pump's resolution first, and
 * the duration is computed from the rounded R_old the pump will actually run. A rate the pump
 * model cannot run (below its minimum, above its maximum) is refused, naming which.
 */
export function bridgeBolus(input: BridgeInput, model: PumpModel = defaultPumpModel()): Result<Bridge> {
  const mass = massOf(input.dailyDose.unit);
  const perDay = dailyDoseIn(input.dailyDose, mass);
  const cOld = concentrationIn(input.oldConcentration, mass);
  const cNew = concentrationIn(input.newConcentration, mass);
  if (perDay.isZero()) return invalid('dailyDose.value', 'bridgeDoseNotPositive', {});
  if (cOld.isZero()) return invalid('oldConcentration.value', 'oldConcentrationNotPositive', {});
  if (cNew.isZero()) return invalid('newConcentration.value', 'newConcentrationNotPositive', {});
  const volume = dec(input.deadVolume.value);
  if (volume.isZero()) return invalid('deadVolume.value', 'deadVolumeNotPositive', {});
  const oldRate = roundRate(perDay.div(cOld), model);
  const newRate = roundRate(perDay.div(cNew), model);
  // Both rates are run by the pump: the bridge at the old one, the therapy after it at the new one.
  const dose = `${input.dailyDose.value} ${input.dailyDose.unit}`;
  const oldCheck = checkPumpRate(oldRate, model, 'oldConcentration.value', {
    subject: `the old rate (${dose} at ${input.oldConcentration.value} ${input.oldConcentration.unit})`,
  });
  if (!oldCheck.ok) return oldCheck;
  const newCheck = checkPumpRate(newRate, model, 'newConcentration.value', {
    subject: `the new rate (${dose} at ${input.newConcentration.value} ${input.newConcentration.unit})`,
  });
  if (!newCheck.ok) return newCheck;
  const hours = toPlaces(volume.div(oldRate).mul(24), ROUNDING.hoursPlaces);
  return ok({
    oldRate: rateQ(oldRate),
    newRate: rateQ(newRate),
    bridgeVolume: volumeQ(volume),
    bridgeDurationHours: str(hours),
  });
}
