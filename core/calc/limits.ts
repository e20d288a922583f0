import { dec, str, type Dec } from '../decimal';
import type { PumpModel } from '../models';
import { err, namedError, ok, type ErrorCode, type Result } from '../result';

/**
 * The pump model's deliverable range: the one definition every rate check uses (the therapy model,
 * the rate for a dose, the flex, bridge and refill calculations). A rate of zero is a stop, which
 * only a flex step (and a refill with patient boluses only) may be.
 */
export type RateBreach = 'rateBelowPumpMin' | 'rateAbovePumpMax' | 'rateNotPumpStep';

export function rateBreach(
  rate: Dec,
  model: PumpModel,
  options: { zeroAllowed?: boolean; resolution?: boolean } = {},
): RateBreach | undefined {
  if (rate.isZero() && options.zeroAllowed === true) return undefined;
  if (rate.lt(model.minRateMlPerDay)) return 'rateBelowPumpMin';
  if (rate.gt(model.maxRateMlPerDay)) return 'rateAbovePumpMax';
  if (options.resolution === true && !rate.mod(dec(model.rateResolutionMlPerDay)).isZero()) return 'rateNotPumpStep';
  return undefined;
}

export interface RateCheckOptions {
  /** Zero passes (a flex step that delivers nothing; boluses only). */
  zeroAllowed?: boolean;
  /** The rate must also be a multiple of the pump's rate resolution. */
  resolution?: boolean;
  /** OUT_OF_RANGE unless the caller's contract names another code. */
  code?: ErrorCode;
  /** What the rate is, for the message: "step 2", "the old rate (1 mcg/day at 500 mcg/mL)". */
  subject?: string;
}

/**
 * A rate the pump model cannot run as a named error (`key` with `rate`, `limit`, `model`), the
 * English message saying which limit and its value.
 */
export function checkPumpRate(
  rate: Dec,
  model: PumpModel,
  field: string,
  options: RateCheckOptions = {},
): Result<null> {
  const breach = rateBreach(rate, model, options);
  if (breach === undefined) return ok(null);
  const what = options.subject === undefined ? `${str(rate)} mL/day` : `${options.subject}: ${str(rate)} mL/day`;
  const limit =
    breach === 'rateBelowPumpMin'
      ? model.minRateMlPerDay
      : breach === 'rateAbovePumpMax'
        ? model.maxRateMlPerDay
        : model.rateResolutionMlPerDay;
  const message =
    breach === 'rateBelowPumpMin'
      ? `${what} is below the pump's minimum rate of ${limit} mL/day`
      : breach === 'rateAbovePumpMax'
        ? `${what} is above the pump's maximum rate of ${limit} mL/day`
        : `${what} is not a multiple of the pump's rate resolution ${limit} mL/day`;
  return err(
    namedError(options.code ?? 'OUT_OF_RANGE', breach, { rate: str(rate), limit, model: model.id }, message, field),
  );
}
