import { defaultLibrary } from '../core/library/defaults';
import { libraryHash } from '../core/library/hash';
import { DrugLibrarySchema, type DrugLibrary } from '../core/library/schema';
import { err, fromZodError, ok, type Result } from '../core/result';
import { confirmLibraryVersion, insertLibraryVersion, latestLibrary, libraryByVersion } from '../db/queries/clinical';
import { authorize, type SignedInUser } from './auth/accounts';
import type { RecordsDeps } from './records';
import { said } from '../core/messages';

/** The library in force: the newest stored version, or the built-in defaults before any edit. */
export function activeLibrary(deps: Pick<RecordsDeps, 'db'>): DrugLibrary {
  const row = latestLibrary(deps.db);
  if (row === undefined) return defaultLibrary;
  return DrugLibrarySchema.parse({ ...(JSON.parse(row.contentJson) as object), confirmedBy: row.confirmedBy });
}

/**
 * Saves an edited library as the next version (admin/pharmacist only). The version number is
 * assigned here, the content hash recorded, and the edit audited with the old and new hashes.
 * A new version is unconfirmed until a pharmacist confirms it.
 */
export function saveLibrary(
  deps: RecordsDeps,
  actor: SignedInUser,
  input: unknown,
): Result<{ version: number; hash: string }> {
  const allowed = authorize(actor, 'library.edit');
  if (!allowed.ok) return allowed;
  const parsed = DrugLibrarySchema.safeParse(input);
  if (!parsed.success) return err(fromZodError(parsed.error));
  const before = activeLibrary(deps);
  const version = (latestLibrary(deps.db)?.version ?? defaultLibrary.version) + 1;
  const library: DrugLibrary = { ...parsed.data, version, confirmedBy: null };
  const hash = libraryHash(library);
  deps.audit.commit(() => {
    insertLibraryVersion(deps.db, {
      version,
      name: library.name,
      hash,
      contentJson: JSON.stringify(library),
      createdAt: deps.now().toISOString(),
      createdBy: actor.username,
    });
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: actor.username,
      role: actor.role,
      action: 'library.edit',
      old: { version: before.version, hash: libraryHash(before) },
      new: { version, hash },
      libraryVersion: `${version}:${hash}`,
      outcome: 'confirmed',
    });
  });
  return ok({ version, hash });
}

/**
 * A pharmacist confirms a stored version for clinical use; recorded with the hash confirmed. Four
 * eyes: whoever saved the version cannot confirm it.
 */
export function confirmLibrary(deps: RecordsDeps, actor: SignedInUser, version: number): Result<null> {
  const allowed = authorize(actor, 'library.confirm');
  if (!allowed.ok) return allowed;
  const row = libraryByVersion(deps.db, version);
  if (row === undefined)
    return err(said('INVALID_INPUT', 'noSuchLibraryVersion', { version: String(version) }, 'version'));
  if (row.confirmedBy !== null)
    return err(said('CONFLICT', 'libraryAlreadyConfirmed', { version: String(version), user: row.confirmedBy }));
  if (row.createdBy === actor.username)
    return err(
      said('SECOND_PERSON_REQUIRED', 'librarySecondPerson', { version: String(version), user: actor.username }),
    );
  deps.audit.commit(() => {
    confirmLibraryVersion(deps.db, version, actor.username, deps.now().toISOString());
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: actor.username,
      role: actor.role,
      action: 'library.confirm',
      new: { version, hash: row.hash },
      libraryVersion: `${version}:${row.hash}`,
      outcome: 'confirmed',
    });
  });
  return ok(null);
}
