import type { Channel } from '../../core/api/channels';
import type { ApiParsedInput, ApiResult } from '../../core/api/contract';
import type { Operation } from '../../core/permissions';
import { err, ok, type Result } from '../../core/result';
import { authorize, type SignedInUser } from '../auth/accounts';
import type { WorkstationSession } from '../auth/session';
import type { Handlers } from '../dispatch';
import { said } from '../../core/messages';

/**
 * Who may call a channel: anyone (`open`: polled status, signing in and out), any signed-in,
 * unlocked user (`signedIn`: the service checks the role itself, often against the input), or a
 * signed-in user whose role may do the named operation (core/permissions.ts).
 */
export type Gate = 'open' | 'signedIn' | Operation;

/** Each channel's gate, checked before its handler runs (the services check the role again). */
export const gates = {
  'app:info': 'open',
  'report:pdf': 'open',
  'wand:status': 'open',
  'sessions:unconfirmed': 'open',
  'sessions:resolve': 'session.resolve',
  'auth:status': 'open',
  'auth:setup': 'open',
  'auth:signIn': 'open',
  'auth:signOut': 'open',
  'auth:lock': 'open',
  'auth:changePassword': 'signedIn',
  'users:list': 'users.manage',
  'users:create': 'signedIn',
  'users:setDisabled': 'users.manage',
  'users:resetPassword': 'users.manage',
  'pump:interrogate': 'pump.interrogate',
  'interrogations:list': 'patient.view',
  'pump:setClock': 'signedIn',
  'pump:events': 'pump.interrogate',
  'pump:alarmTest': 'signedIn',
  'patients:search': 'patient.view',
  'patients:create': 'signedIn',
  'patients:get': 'patient.view',
  'patients:forPump': 'patient.view',
  'pumps:register': 'signedIn',
  'pumps:stopped': 'patient.view',
  'prescriptions:create': 'prescription.create',
  'prescriptions:open': 'patient.view',
  'prescriptions:cancel': 'prescription.create',
  'opioids:record': 'patient.edit',
  'opioids:stop': 'patient.edit',
  'pain:record': 'signedIn',
  'screening:record': 'signedIn',
  'program:preview': 'pump.program',
  'program:apply': 'pump.program',
  'bolus:preview': 'pump.program',
  'bolus:deliver': 'pump.program',
  'refill:preview': 'refill.record',
  'refill:perform': 'refill.record',
  'refill:visitCheck': 'refill.record',
  'reviews:list': 'patient.view',
  'reviews:clear': 'review.clear',
  'audit:list': 'audit.view',
  'audit:record': 'audit.view',
  'audit:frames': 'audit.view',
  'audit:verify': 'audit.view',
  'audit:export': 'audit.export',
  'settings:get': 'signedIn',
  'settings:update': 'signedIn',
  'library:get': 'patient.view',
  'library:save': 'signedIn',
  'library:confirm': 'signedIn',
} as const satisfies Record<Channel, Gate>;

type Reply<C extends Channel> = ApiResult<C> | Promise<ApiResult<C>>;

/** A channel's handler behind its gate: an open channel gets the input, any other also the signed-in user. */
export type GatedHandler<C extends Channel> = (typeof gates)[C] extends 'open'
  ? (input: ApiParsedInput<C>) => Reply<C>
  : (input: ApiParsedInput<C>, actor: SignedInUser) => Reply<C>;

/** The handlers of some channels (one area's), each behind its gate. */
export type GatedHandlers = { [C in Channel]: GatedHandler<C> };

/** The signed-in user for an active request (counting as activity for the idle lock), or why there is none. */
export function signedInUser(session: WorkstationSession, operation?: Operation): Result<SignedInUser> {
  const current = session.current();
  if (current === undefined) {
    return err(
      session.isLocked() ? said('SESSION_LOCKED', 'workstationLocked', {}) : said('SIGNED_OUT', 'signInFirst', {}),
    );
  }
  return operation === undefined ? ok(current) : authorize(current, operation);
}

/** Puts every handler behind its channel's gate: the one place the sign-in and the role are checked. */
export function applyGates<C extends Channel>(
  table: Pick<GatedHandlers, C>,
  session: WorkstationSession,
): Pick<Handlers, C> {
  const handlers = {} as Record<C, (input: unknown) => Promise<Result<unknown>>>;
  for (const channel of Object.keys(table) as C[]) {
    const gate: Gate = gates[channel];
    const run = table[channel] as (input: unknown, actor?: SignedInUser) => Result<unknown> | Promise<Result<unknown>>;
    handlers[channel] =
      gate === 'open'
        ? async (input) => run(input)
        : async (input) => {
            const actor = signedInUser(session, gate === 'signedIn' ? undefined : gate);
            return actor.ok ? run(input, actor.value) : actor;
          };
  }
  return handlers as unknown as Pick<Handlers, C>;
}
