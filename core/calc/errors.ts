import { appError, err, type Result } from '../result';

/** A calculation refused because a value is outside what is possible, naming the field. */
export const outOfRange = (field: string, message: string): Result<never> =>
  err(appError('OUT_OF_RANGE', message, field));
export const invalid = (field: string, message: string): Result<never> =>
  err(appError('INVALID_INPUT', message, field));
