import { dec, ROUND_DOWN, str, toPlaces } from '../decimal';
import { err, ok, type Result } from '../result';
import { concentrationIn, massOf, type ConcentrationQ, type MassUnit, type VolumeQ } from '../units';
import { ROUNDING } from './rounding';
import { said } from '../messages';

/**
 * A single (clinician) bolus: a volume over a duration. Shows what each drug of the solution
 * delivers and the rate it runs at, so a bolus is reviewed by its dose, not only its volume.
 */
export function singleBolus(input: {
  volume: VolumeQ;
  durationMinutes: number;
  components: ReadonlyArray<{ drug: string; concentration: ConcentrationQ }>;
}): Result<{
  rateMlPerHour: string;
  doses: Array<{ drug: string; dose: { value: string; unit: MassUnit } }>;
}> {
  const volume = dec(input.volume.value);
  if (volume.isZero()) return err(said('INVALID_INPUT', 'bolusVolumeNotPositive', {}, 'volume.value'));
  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < 1 || input.durationMinutes > 1440) {
    return err(said('INVALID_INPUT', 'bolusDurationRange', {}, 'durationMinutes'));
  }
  return ok({
    rateMlPerHour: str(toPlaces(volume.mul(60).div(input.durationMinutes), ROUNDING.volumePlaces)),
    doses: input.components.map((c) => {
      const mass = massOf(c.concentration.unit);
      return {
        drug: c.drug,
        dose: {
          value: str(toPlaces(volume.mul(concentrationIn(c.concentration, mass)), ROUNDING.dosePlaces)),
          unit: mass,
        },
      };
    }),
  });
}

/** The pump holds a bolus volume in microlitres. */
const BOLUS_VOLUME_PLACES = 3;

/**
 * The patient bolus at a new concentration of the same drug, giving the same dose: the volume
 * scaled by old / new concentration and rounded down to the pump's microlitre (never a larger
 * dose than before). Duration, lockout and boluses per day are kept.
 */
export function sameBolusDose<B extends { volumeMl: string }>(
  bolus: B,
  oldConcentration: ConcentrationQ,
  newConcentration: ConcentrationQ,
): Result<B> {
  const mass = massOf(oldConcentration.unit);
  const volume = dec(bolus.volumeMl)
    .mul(concentrationIn(oldConcentration, mass))
    .div(concentrationIn(newConcentration, mass))
    .toDecimalPlaces(BOLUS_VOLUME_PLACES, ROUND_DOWN);
  if (volume.isZero()) return err(said('INVALID_INPUT', 'sameBolusBelowMinimum', {}, 'patientBolus'));
  return ok({ ...bolus, volumeMl: str(volume) });
}
