import { dec, str, toPlaces, type Dec } from '../decimal';
import type { CatheterModel, PumpModel } from '../models';
import { ok, type Result } from '../result';
import { concentrationIn, massOf, volumeQ, type ConcentrationQ, type MassUnit, type VolumeQ } from '../units';
import { invalid, outOfRange } from './errors';
import { ROUNDING } from './rounding';

export interface PrimingBolus {
  /** Pump tubing + catheter volume (per cm × implanted length after trimming). */
  volume: VolumeQ;
  durationHours: string;
  /** Drug contained in the bolus volume: what reaches the patient if the catheter already held drug. */
  drugInBolus: { value: string; unit: MassUnit };
  /** Always shown: drug can reach the patient before the bolus ends (two Class I recalls). */
  warning: 'DRUG_REACHES_PATIENT_BEFORE_END';
}

/**
 * The priming bolus fills the pump tubing and the catheter after implant or revision. Its volume
 * comes from the model data, never from a typed-in number.
 */
export function primingBolus(input: {
  pump: PumpModel;
  catheter: CatheterModel;
  implantedLengthCm: string;
  concentration: ConcentrationQ;
  bolusRateMlPerHour: string;
}): Result<PrimingBolus> {
  const length = dec(input.implantedLengthCm);
  if (length.isZero()) return invalid('implantedLengthCm', 'implantedLengthNotPositive', {});
  if (length.gt(input.catheter.maxLengthCm)) {
    return outOfRange('implantedLengthCm', 'implantedLengthAboveCatheter', {
      length: str(length),
      catheter: input.catheter.name,
      max: String(input.catheter.maxLengthCm),
    });
  }
  const rate = dec(input.bolusRateMlPerHour);
  if (rate.isZero()) return invalid('bolusRateMlPerHour', 'bolusRateNotPositive', {});
  const volume: Dec = dec(input.pump.tubingVolumeMl).plus(dec(input.catheter.volumeMlPerCm).mul(length));
  const mass = massOf(input.concentration.unit);
  return ok({
    volume: volumeQ(volume),
    durationHours: str(toPlaces(volume.div(rate), ROUNDING.hoursPlaces)),
    drugInBolus: {
      value: str(toPlaces(volume.mul(concentrationIn(input.concentration, mass)), ROUNDING.dosePlaces)),
      unit: mass,
    },
    warning: 'DRUG_REACHES_PATIENT_BEFORE_END',
  });
}
