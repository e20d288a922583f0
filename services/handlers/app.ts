import { err, ok } from '../../core/result';
import { allOpenSessions } from '../../db/queries/sessions';
import { activeLibrary } from '../library';
import { bookkeepingMessages } from '../session-outcomes';
import { resolveUnconfirmed } from '../open-sessions';
import { appVersion } from '../version';
import type { AreaContext } from './context';
import type { GatedHandlers } from './gates';
import { said } from '../../core/messages';

/** The app, the wand and the programming sessions whose outcome is still open. */
export const appHandlers = ({ db, audit, link, now, deps, host, databasePath }: AreaContext) =>
  ({
    // Polled by the UI: these never count as activity for the idle lock.
    // The desktop app answers this itself (it prints its own window); other hosts cannot.
    'report:pdf': () => err(said('NOT_AVAILABLE', 'pdfDesktopOnly', {})),
    'app:info': () => {
      const owed = bookkeepingMessages(audit);
      return ok({
        version: appVersion,
        host,
        link: link.info,
        databasePath,
        ...(owed === undefined ? {} : { bookkeeping: owed }),
      });
    },
    'wand:status': () => ok(link.wandStatus()),
    'sessions:unconfirmed': () =>
      ok(
        allOpenSessions(db).map((s) => ({
          sessionId: s.sessionUuid,
          pumpSerial: s.pumpSerial,
          startedAt: s.startedAt,
          actor: s.actor,
          outcome: s.outcome === 'pending' ? ('pending' as const) : ('unconfirmed' as const),
        })),
      ),
    'sessions:resolve': (_input, actor) =>
      resolveUnconfirmed({ db, audit, link, now, library: activeLibrary(deps) }, actor),
  }) satisfies Partial<GatedHandlers>;
