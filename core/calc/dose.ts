import { dec, str, toPlaces, toStep, type Dec } from '../decimal';
import { defaultPumpModel, rateResolution, type PumpModel } from '../models';
import { err, namedError, ok, type Result } from '../result';
import {
  concentrationIn,
  dailyDoseIn,
  dailyDoseQ,
  hourlyDoseQ,
  massOf,
  rateQ,
  type ConcentrationQ,
  type DailyDoseQ,
  type HourlyDoseQ,
  type RateQ,
} from '../units';
import { rateBreach } from './limits';
import { ROUNDING } from './rounding';
import { said } from '../messages';

/** R = D / C, rounded to the pump's rate resolution; D' = R × C is what the pump will deliver. */
export function rateForDose(
  input: { concentration: ConcentrationQ; dailyDose: DailyDoseQ },
  model: PumpModel = defaultPumpModel(),
): Result<{ rate: RateQ; deliveredDailyDose: DailyDoseQ }> {
  const mass = massOf(input.dailyDose.unit);
  const c = concentrationIn(input.concentration, mass);
  if (c.isZero()) return err(said('INVALID_INPUT', 'concentrationNotPositive', {}, 'concentration.value'));
  const rate = roundRate(dailyDoseIn(input.dailyDose, mass).div(c), model);
  // A rate the pump cannot run is never offered as an answer.
  const breach = rateBreach(rate, model);
  if (breach === 'rateBelowPumpMin') {
    const smallest = str(dec(model.minRateMlPerDay).mul(c));
    return err(
      namedError(
        'OUT_OF_RANGE',
        breach,
        { rate: str(rate), limit: model.minRateMlPerDay, model: model.id },
        `${input.dailyDose.value} ${input.dailyDose.unit} needs ${str(rate)} mL/day, below the pump's minimum rate of ${model.minRateMlPerDay} mL/day: the smallest dose at this concentration is ${smallest} ${mass}/day`,
        'dailyDose.value',
      ),
    );
  }
  if (breach === 'rateAbovePumpMax') {
    return err(
      namedError(
        'OUT_OF_RANGE',
        breach,
        { rate: str(rate), limit: model.maxRateMlPerDay, model: model.id },
        `${input.dailyDose.value} ${input.dailyDose.unit} needs ${str(rate)} mL/day, above the pump's maximum rate of ${model.maxRateMlPerDay} mL/day`,
        'dailyDose.value',
      ),
    );
  }
  return ok({ rate: rateQ(rate), deliveredDailyDose: dailyDoseQ(rate.mul(c), mass) });
}

export const roundRate = (rate: Dec, model: PumpModel): Dec => toStep(rate, rateResolution(model));

/** D = R × C in the concentration's mass unit (exact: both are finite decimals). */
export const doseForRate = (rate: Dec, concentration: ConcentrationQ): DailyDoseQ => {
  const mass = massOf(concentration.unit);
  return dailyDoseQ(rate.mul(concentrationIn(concentration, mass)), mass);
};

/** D_min = R_min × C: the smallest daily dose the pump can deliver at this concentration. */
export const minimumDeliverableDose = (
  concentration: ConcentrationQ,
  model: PumpModel = defaultPumpModel(),
): DailyDoseQ => doseForRate(dec(model.minRateMlPerDay), concentration);

/** A daily rate or dose spread evenly over the day, per hour. */
export const perHour = (perDay: Dec): Dec => perDay.div(24);

export const hourlyDose = (ratePerDay: Dec, concentration: ConcentrationQ): HourlyDoseQ => {
  const mass = massOf(concentration.unit);
  return hourlyDoseQ(
    toPlaces(perHour(ratePerDay.mul(concentrationIn(concentration, mass))), ROUNDING.dosePlaces),
    mass,
  );
};

/** (new − old) / old × 100, rounded to 0.1 %; undefined when old is zero. */
export const percentChange = (oldValue: Dec, newValue: Dec): string | undefined =>
  oldValue.isZero()
    ? undefined
    : str(toPlaces(newValue.minus(oldValue).div(oldValue).mul(100), ROUNDING.percentPlaces));
