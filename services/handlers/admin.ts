import { ok } from '../../core/result';
import { libraryHash } from '../../core/library/hash';
import { siteSettings } from '../auth/settings';
import { activeLibrary, confirmLibrary, saveLibrary } from '../library';
import { updateSettings } from '../settings';
import type { AreaContext } from './context';
import type { GatedHandlers } from './gates';

/** The site's settings and the drug library (edited by the administrator, confirmed by a second pharmacist). */
export const adminHandlers = ({ db, deps }: AreaContext) =>
  ({
    'settings:get': () => ok(siteSettings(db)),
    'settings:update': (input, actor) => updateSettings(deps, actor, input),
    'library:get': () => {
      const library = activeLibrary(deps);
      return ok({ library, hash: libraryHash(library) });
    },
    'library:save': (input, actor) => saveLibrary(deps, actor, input.library),
    'library:confirm': (input, actor) => confirmLibrary(deps, actor, input.version),
  }) satisfies Partial<GatedHandlers>;
