import { said, type ServerMessageKey, type ServerMessageParams } from '../messages';
import { err, type Result } from '../result';

/** A calculation refused because a value is outside what is possible, naming the field and the message. */
export const outOfRange = <K extends ServerMessageKey>(
  field: string,
  key: K,
  params: ServerMessageParams<K>,
): Result<never> => err(said('OUT_OF_RANGE', key, params, field));

/** A calculation refused because a value cannot be used, naming the field and the message. */
export const invalid = <K extends ServerMessageKey>(
  field: string,
  key: K,
  params: ServerMessageParams<K>,
): Result<never> => err(said('INVALID_INPUT', key, params, field));
