import type { Channel } from '../../core/api/channels';
import type { AppError } from '../../core/result';
import { passwordChangeRequired } from '../auth/accounts';
import { enforcePasswordChange, passwordChangeGate } from '../auth/forced-change';
import { WorkstationSession } from '../auth/session';
import { siteSettings } from '../auth/settings';
import type { Handlers } from '../dispatch';
import { adminHandlers } from './admin';
import { appHandlers } from './app';
import { auditHandlers } from './audit';
import { authHandlers } from './auth';
import { areaContext, type HandlerContext } from './context';
import { applyGates, type GatedHandlers } from './gates';
import { patientHandlers } from './patients';
import { programmingHandlers } from './programming';
import { pumpHandlers } from './pump';
import { refillHandlers } from './refill';

export type { HandlerContext } from './context';

/**
 * The services behind every channel, for one workstation: who is signed in (with the idle lock),
 * what each role may do (`gates.ts`, checked once for every channel), and each area's handlers.
 * Every handler that changes or reads patient data needs a signed-in, unlocked user; the services
 * check the role again.
 */
export function createHandlers(ctx: HandlerContext): {
  handlers: Handlers;
  session: WorkstationSession;
  gate: (channel: Channel) => AppError | undefined;
} {
  const session = new WorkstationSession(() => siteSettings(ctx.db).idleLockMinutes, ctx.now);
  const area = areaContext(ctx, session);
  const table = {
    ...appHandlers(area),
    ...authHandlers(area),
    ...pumpHandlers(area),
    ...patientHandlers(area),
    ...programmingHandlers(area),
    ...refillHandlers(area),
    ...auditHandlers(area),
    ...adminHandlers(area),
  } satisfies GatedHandlers;
  const handlers = applyGates(table, session);

  // A password set by an administrator is changed before anything else (docs/security.md).
  const mustChange = () => {
    const current = session.peek();
    return current !== undefined && passwordChangeRequired(ctx.db, current.username);
  };
  return { handlers: enforcePasswordChange(handlers, mustChange), session, gate: passwordChangeGate(mustChange) };
}
