import Decimal from 'decimal.js';

/**
 * The one decimal type for every clinical quantity. 50 significant digits so that no
 * intermediate result of a dose calculation is ever rounded before the documented final step;
 * plain notation (no exponents) in every string handed out.
 */
export const Dec = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Dec = InstanceType<typeof Dec>;

export const dec = (value: string | number | Dec): Dec => new Dec(value);

const ROUND_HALF_EVEN = Decimal.ROUND_HALF_EVEN;
export const ROUND_DOWN = Decimal.ROUND_DOWN;
export const ROUND_UP = Decimal.ROUND_UP;
export type Rounding = typeof ROUND_HALF_EVEN | typeof ROUND_DOWN | typeof ROUND_UP;

/** A decimal string without exponent or trailing zeros; never "-0". */
export const str = (value: Dec): string => (value.isZero() ? '0' : value.toFixed());

/** Rounds to a multiple of `step` (e.g. a pump's rate resolution of 0.001 mL/day). */
export const toStep = (value: Dec, step: string | Dec, rounding: Rounding = ROUND_HALF_EVEN): Dec => {
  const s = dec(step);
  return value.div(s).toDecimalPlaces(0, rounding).mul(s);
};

/** Rounds to `places` decimal places. */
export const toPlaces = (value: Dec, places: number, rounding: Rounding = ROUND_HALF_EVEN): Dec =>
  value.toDecimalPlaces(places, rounding);

export const maxOf = (values: readonly Dec[]): Dec | undefined =>
  values.reduce<Dec | undefined>((m, v) => (m === undefined || v.gt(m) ? v : m), undefined);
