import { dec, str, toPlaces, ROUND_DOWN, type Dec } from '../decimal';
import { ok, type Result } from '../result';
import { volumeQ, type RateQ, type VolumeQ } from '../units';
import { addDays, parseDate } from './dates';
import { invalid, outOfRange } from './errors';
import { ROUNDING } from './rounding';

export interface RefillInput {
  capacity: VolumeQ;
  alarmVolume: VolumeQ;
  fillVolume: VolumeQ;
  rate: RateQ;
  fillDate: string;
  expectedResidual?: VolumeQ | undefined;
  withdrawnVolume?: VolumeQ | undefined;
  maxBolusVolumePerDay?: RateQ | undefined;
  stabilityDays?: number | undefined;
  replaceByDate?: string | undefined;
}

export type LimitingFactor = 'alarm' | 'stability' | 'battery';

export interface RefillForecast {
  daysToAlarm: string;
  alarmDate: string;
  nextRefillDate: string;
  limitingFactor: LimitingFactor;
  discrepancy?: VolumeQ;
  discrepancyFlag?: boolean;
}

/** Pumps of this capacity or less flag a discrepancy above 1 mL instead of 2 mL. */
export const SMALL_PUMP_CAPACITY_ML = '20';
export const discrepancyThreshold = (capacity: Dec): Dec => (capacity.lte(SMALL_PUMP_CAPACITY_ML) ? dec(1) : dec(2));

/** Δ = expected − withdrawn; flagged when |Δ| exceeds the threshold (possible pocket fill or pump fault). */
export function refillDiscrepancy(capacity: Dec, expected: Dec, withdrawn: Dec): { discrepancy: Dec; flag: boolean } {
  const discrepancy = expected.minus(withdrawn);
  return { discrepancy, flag: discrepancy.abs().gt(discrepancyThreshold(capacity)) };
}

/** Days until the reservoir reaches the alarm volume if every allowed patient bolus is taken. */
export const daysToAlarm = (fill: Dec, alarm: Dec, dailyVolume: Dec): Dec =>
  toPlaces(notNegative(fill.minus(alarm)).div(dailyVolume), ROUNDING.daysPlaces, ROUND_DOWN);

const notNegative = (v: Dec): Dec => (v.isNegative() ? dec(0) : v);

/**
 * The refill forecast: days to the low-reservoir alarm (conservative: all patient boluses taken),
 * its date, and the next refill date as the earliest of that alarm, the drug's stability limit
 * and the battery replacement date.
 */
export function refillForecast(input: RefillInput): Result<RefillForecast> {
  const capacity = dec(input.capacity.value);
  const alarm = dec(input.alarmVolume.value);
  const fill = dec(input.fillVolume.value);
  if (capacity.isZero()) return invalid('capacity.value', 'capacity must be greater than zero');
  if (fill.gt(capacity)) {
    return outOfRange('fillVolume.value', `fill volume ${str(fill)} mL is more than the reservoir capacity of ${str(capacity)} mL: overfilling is refused`);
  }
  if (alarm.gte(capacity)) return outOfRange('alarmVolume.value', 'the alarm volume must be below the reservoir capacity');
  const dailyVolume = dec(input.rate.value).plus(input.maxBolusVolumePerDay === undefined ? 0 : input.maxBolusVolumePerDay.value);
  if (dailyVolume.isZero()) return invalid('rate.value', 'rate and patient boluses are both zero: the reservoir never reaches the alarm');
  const fillTime = parseDate(input.fillDate);
  if (fillTime === undefined) return invalid('fillDate', `fillDate "${input.fillDate}" is not a date YYYY-MM-DD`);
  if (input.replaceByDate !== undefined && parseDate(input.replaceByDate) === undefined) {
    return invalid('replaceByDate', `replaceByDate "${input.replaceByDate}" is not a date YYYY-MM-DD`);
  }
  if ((input.expectedResidual === undefined) !== (input.withdrawnVolume === undefined)) {
    return invalid(input.expectedResidual === undefined ? 'expectedResidual' : 'withdrawnVolume', 'expectedResidual and withdrawnVolume are given together, to compute the discrepancy');
  }

  const days = daysToAlarm(fill, alarm, dailyVolume);
  const alarmDate = addDays(input.fillDate, days.floor().toNumber()) ?? input.fillDate;
  const candidates: Array<[string, LimitingFactor]> = [[alarmDate, 'alarm']];
  if (input.stabilityDays !== undefined) candidates.push([addDays(input.fillDate, input.stabilityDays) ?? input.fillDate, 'stability']);
  if (input.replaceByDate !== undefined) candidates.push([input.replaceByDate, 'battery']);
  // Earliest date wins; on a tie the order above (alarm, stability, battery) decides.
  const [nextRefillDate, limitingFactor] = candidates.reduce((best, c) => (c[0] < best[0] ? c : best));

  const forecast: RefillForecast = { daysToAlarm: str(days), alarmDate, nextRefillDate, limitingFactor };
  if (input.expectedResidual !== undefined && input.withdrawnVolume !== undefined) {
    const d = refillDiscrepancy(capacity, dec(input.expectedResidual.value), dec(input.withdrawnVolume.value));
    forecast.discrepancy = volumeQ(d.discrepancy);
    forecast.discrepancyFlag = d.flag;
  }
  return ok(forecast);
}
