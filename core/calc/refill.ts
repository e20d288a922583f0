import { dec, str, toPlaces, ROUND_DOWN, type Dec } from '../decimal';
import { defaultPumpModel, type PumpModel } from '../models';
import { err, namedError, ok, type Result } from '../result';
import { volumeQ, type RateQ, type VolumeQ } from '../units';
import { addDays, parseDate } from './dates';
import { invalid, outOfRange } from './errors';
import { checkPumpRate } from './limits';
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
  /** The battery's replacement date is on or before the fill: replace the pump. */
  replacePump?: boolean;
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

export type ForecastFactor = LimitingFactor | 'expiry';

/** Everything the next refill date depends on, on the clinic's calendar. */
export interface ForecastInput {
  capacity: Dec;
  alarmVolume: Dec;
  fillVolume: Dec;
  /** The 24-hour infusion volume of the program (the therapy model's, flex steps included). */
  dailyVolume: Dec;
  /** The most every allowed patient bolus adds in a day. */
  bolusVolumePerDay: Dec;
  /** The clinic's date of the fill (today at a refill). */
  fillDate: string;
  /** Days the drug now in the reservoir stays stable in the pump. */
  stabilityDays?: number | undefined;
  /** The syringe's beyond-use date: the solution must be replaced by then. */
  beyondUseDate?: string | undefined;
  /** The battery's elective replacement date. */
  replaceByDate?: string | undefined;
  /** The battery has reached end of service: no refill date, replace the pump. */
  endOfService?: boolean | undefined;
  /**
   * The pump reports its elective replacement indicator: the battery still runs, so a replace-by
   * date already passed limits nothing (the ERI warning stands); without this knowledge a passed
   * date means the pump must be replaced.
   */
  electiveReplacement?: boolean | undefined;
  /** Days from ERI to end of service (the pump model's): with ERI past its date, the expected end of service limits the refill. */
  eriToEosDays?: number | undefined;
  /** Days before the alarm that the refill is planned (a site setting). */
  marginDays?: number | undefined;
}

export interface Forecast {
  /** Null when nothing leaves the reservoir (a stopped pump without patient bolus). */
  daysToAlarm: string | null;
  alarmDate: string | null;
  nextRefillDate: string;
  limitingFactor: ForecastFactor;
  /** The pump must be replaced before any refill date can be given. */
  replacePump: boolean;
}

/**
 * The one refill forecast: days to the low-reservoir alarm from the 24-hour volume plus every
 * allowed patient bolus, and the next refill date as the earliest of that alarm (less the margin),
 * the drug's stability, the syringe's beyond-use date and the battery's replacement date. Never a
 * date before the fill: a battery past its date, or at end of service, says "replace the pump".
 */
export function forecast(input: ForecastInput): Result<Forecast> {
  if (input.capacity.isZero()) return invalid('capacity.value', 'capacityNotPositive', {});
  if (input.fillVolume.gt(input.capacity)) {
    return outOfRange('fillVolume.value', 'fillVolumeAboveCapacity', {
      fill: str(input.fillVolume),
      capacity: str(input.capacity),
    });
  }
  if (input.alarmVolume.gte(input.capacity)) return outOfRange('alarmVolume.value', 'alarmNotBelowCapacity', {});
  if (parseDate(input.fillDate) === undefined)
    return invalid('fillDate', 'dateFieldFormat', { field: 'fillDate', value: input.fillDate });
  for (const [field, value] of [
    ['replaceByDate', input.replaceByDate],
    ['beyondUseDate', input.beyondUseDate],
  ] as const) {
    if (value !== undefined && parseDate(value) === undefined)
      return invalid(field, 'dateFieldFormat', { field, value });
  }
  const perDay = input.dailyVolume.plus(input.bolusVolumePerDay);
  const days = perDay.isZero() ? undefined : daysToAlarm(input.fillVolume, input.alarmVolume, perDay);
  const alarmDate =
    days === undefined ? undefined : (addDays(input.fillDate, days.floor().toNumber()) ?? input.fillDate);
  const candidates: Array<[string, ForecastFactor]> = [];
  if (alarmDate !== undefined) candidates.push([addDays(alarmDate, -(input.marginDays ?? 0)) ?? alarmDate, 'alarm']);
  if (input.stabilityDays !== undefined)
    candidates.push([addDays(input.fillDate, input.stabilityDays) ?? input.fillDate, 'stability']);
  if (input.beyondUseDate !== undefined) candidates.push([input.beyondUseDate, 'expiry']);
  const replaceByPassed = input.replaceByDate !== undefined && input.replaceByDate <= input.fillDate;
  if (input.replaceByDate !== undefined && !(replaceByPassed && input.electiveReplacement === true))
    candidates.push([input.replaceByDate, 'battery']);
  // At ERI past its date the battery still runs, until its expected end of service: never a refill after that.
  const expectedEos =
    replaceByPassed &&
    input.electiveReplacement === true &&
    input.replaceByDate !== undefined &&
    input.eriToEosDays !== undefined
      ? addDays(input.replaceByDate, input.eriToEosDays)
      : undefined;
  if (expectedEos !== undefined) candidates.push([expectedEos, 'battery']);
  // Earliest date wins; on a tie the order above (alarm, stability, expiry, battery) decides.
  const earliest = candidates.reduce<[string, ForecastFactor] | undefined>(
    (best, c) => (best === undefined || c[0] < best[0] ? c : best),
    undefined,
  );
  const batteryGone =
    input.endOfService === true ||
    (replaceByPassed && input.electiveReplacement !== true) ||
    (expectedEos !== undefined && expectedEos <= input.fillDate);
  const base = { daysToAlarm: days === undefined ? null : str(days), alarmDate: alarmDate ?? null };
  if (batteryGone) return ok({ ...base, nextRefillDate: input.fillDate, limitingFactor: 'battery', replacePump: true });
  if (earliest === undefined) return invalid('rate.value', 'forecastNeedsLimit', {});
  // A date before the fill (a margin longer than the reservoir lasts) is today: refill now.
  const next = earliest[0] < input.fillDate ? input.fillDate : earliest[0];
  return ok({ ...base, nextRefillDate: next, limitingFactor: earliest[1], replacePump: false });
}

/**
 * The refill forecast of `pumpctl calc refill`: days to the low-reservoir alarm (conservative: all
 * patient boluses taken), its date, and the next refill date as the earliest of that alarm, the
 * drug's stability limit and the battery replacement date; with the discrepancy when given.
 */
export function refillForecast(input: RefillInput, model: PumpModel = defaultPumpModel()): Result<RefillForecast> {
  const bolus = dec(input.maxBolusVolumePerDay === undefined ? 0 : input.maxBolusVolumePerDay.value);
  if (dec(input.rate.value).plus(bolus).isZero()) return invalid('rate.value', 'forecastNeverAlarms', {});
  // The 24-hour volume of a program this pump model can run (zero: patient boluses only), and no
  // more reservoir than the model has.
  const limit = checkPumpRate(dec(input.rate.value), model, 'rate.value', {
    zeroAllowed: true,
    subject: 'the 24-hour volume',
  });
  if (!limit.ok) return limit;
  if (dec(input.capacity.value).gt(model.capacityMl)) {
    return err(
      namedError(
        'OUT_OF_RANGE',
        'capacityAbovePump',
        { capacity: input.capacity.value, limit: model.capacityMl, model: model.id },
        `a capacity of ${input.capacity.value} mL is more than the ${model.capacityMl} mL reservoir of pump model ${model.id}`,
        'capacity.value',
      ),
    );
  }
  if ((input.expectedResidual === undefined) !== (input.withdrawnVolume === undefined)) {
    return invalid(
      input.expectedResidual === undefined ? 'expectedResidual' : 'withdrawnVolume',
      'residualWithWithdrawn',
      {},
    );
  }
  const f = forecast({
    capacity: dec(input.capacity.value),
    alarmVolume: dec(input.alarmVolume.value),
    fillVolume: dec(input.fillVolume.value),
    dailyVolume: dec(input.rate.value),
    bolusVolumePerDay: bolus,
    fillDate: input.fillDate,
    stabilityDays: input.stabilityDays,
    replaceByDate: input.replaceByDate,
  });
  if (!f.ok) return f;
  const out: RefillForecast = {
    daysToAlarm: f.value.daysToAlarm ?? '0',
    alarmDate: f.value.alarmDate ?? input.fillDate,
    nextRefillDate: f.value.nextRefillDate,
    limitingFactor: f.value.limitingFactor === 'expiry' ? 'stability' : f.value.limitingFactor,
  };
  if (f.value.replacePump) out.replacePump = true;
  if (input.expectedResidual !== undefined && input.withdrawnVolume !== undefined) {
    const d = refillDiscrepancy(
      dec(input.capacity.value),
      dec(input.expectedResidual.value),
      dec(input.withdrawnVolume.value),
    );
    out.discrepancy = volumeQ(d.discrepancy);
    out.discrepancyFlag = d.flag;
  }
  return ok(out);
}
