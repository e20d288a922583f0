import type { Channel } from '../../core/api/channels';
import { err, type AppError } from '../../core/result';
import type { Handlers } from '../dispatch';
import { said } from '../../core/messages';

/**
 * What a user whose password an administrator set may still do: see where they stand, choose
 * their own password, step away or sign out (or let someone else sign in), and read the app's
 * version. Everything else is refused until the password is theirs.
 */
export const ALLOWED_BEFORE_PASSWORD_CHANGE: ReadonlySet<Channel> = new Set<Channel>([
  'auth:status',
  'auth:changePassword',
  'auth:signIn',
  'auth:signOut',
  'auth:lock',
  'auth:setup',
  'app:info',
]);

const passwordChangeRequiredError = () => said('PASSWORD_CHANGE_REQUIRED', 'passwordChangeRequired', {});

/**
 * Wraps every handler outside `ALLOWED_BEFORE_PASSWORD_CHANGE`: while the signed-in user must
 * change their password (`mustChange` answers from the database at each request, so a reset by
 * an administrator takes effect at once), the request is refused with PASSWORD_CHANGE_REQUIRED
 * before its handler runs.
 */
export function enforcePasswordChange(handlers: Handlers, mustChange: () => boolean): Handlers {
  const guarded = { ...handlers } as Record<Channel, (input: never) => Promise<unknown>>;
  for (const channel of Object.keys(handlers) as Channel[]) {
    if (ALLOWED_BEFORE_PASSWORD_CHANGE.has(channel)) continue;
    const handler = handlers[channel] as (input: never) => Promise<unknown>;
    guarded[channel] = (input: never) =>
      mustChange() ? Promise.resolve(err(passwordChangeRequiredError())) : handler(input);
  }
  return guarded as unknown as Handlers;
}

/** The dispatcher's gate: refuses a channel outside the allowed ones while the password must be changed. */
export const passwordChangeGate =
  (mustChange: () => boolean) =>
  (channel: Channel): AppError | undefined =>
    !ALLOWED_BEFORE_PASSWORD_CHANGE.has(channel) && mustChange() ? passwordChangeRequiredError() : undefined;
