import { contract, type ApiParsedInput, type ApiResult } from '../core/api/contract';
import { MAX_PAYLOAD_BYTES, PUMP_COMMAND_CHANNELS, isChannel, type Channel } from '../core/api/channels';
import { err, fromZodError, type AppError, type Result } from '../core/result';
import { said } from '../core/messages';

export type Handlers = { [C in Channel]: (input: ApiParsedInput<C>) => Promise<ApiResult<C>> };
export type Dispatch = (channel: unknown, input: unknown) => Promise<Result<unknown>>;

/**
 * The single entry every host calls: checks the channel and the payload size, parses the input
 * with the contract's schema, runs the handler, and never lets an exception cross the boundary.
 * `gate` may refuse a channel before its input is even read (a password that must be changed first).
 */
export function createDispatcher(
  handlers: Handlers,
  log: (e: unknown) => void = () => undefined,
  gate: (channel: Channel) => AppError | undefined = () => undefined,
): Dispatch {
  return async (channel, input) => {
    if (!isChannel(channel))
      return err(said('UNKNOWN_CHANNEL', 'unknownChannel', { channel: String(channel).slice(0, 64) }));
    const refused = gate(channel);
    if (refused !== undefined) return err(refused);
    const size = payloadSize(input);
    if (size === undefined) return err(said('INVALID_INPUT', 'notPlainJson', {}));
    if (size > MAX_PAYLOAD_BYTES) {
      return err(
        said('PAYLOAD_TOO_LARGE', 'payloadTooLarge', { size: String(size), limit: String(MAX_PAYLOAD_BYTES) }),
      );
    }
    return run(channel, input, handlers, log);
  };
}

async function run<C extends Channel>(
  channel: C,
  input: unknown,
  handlers: Handlers,
  log: (e: unknown) => void,
): Promise<Result<unknown>> {
  const parsed = contract[channel].input.safeParse(input ?? {});
  if (!parsed.success) return err(fromZodError(parsed.error));
  try {
    const handler = handlers[channel] as (i: unknown) => Promise<ApiResult<C>>;
    return await handler(parsed.data);
  } catch (e) {
    log(e);
    return err(unforeseenFailure(channel));
  }
}

/**
 * The answer to a failure no service foresaw: only a channel that sends no command to the pump may
 * say that nothing was sent; on the others the command may have reached the pump before it.
 */
export const unforeseenFailure = (channel: Channel): AppError =>
  said(
    'INTERNAL',
    (PUMP_COMMAND_CHANNELS as readonly Channel[]).includes(channel) ? 'unexpectedErrorAfterPump' : 'unexpectedError',
    {},
  );

const payloadSize = (input: unknown): number | undefined => {
  try {
    const json = JSON.stringify(input ?? {});
    return Buffer.byteLength(json, 'utf8');
  } catch {
    return undefined;
  }
};
