import type Database from 'better-sqlite3';
import { DatabaseOpenError } from './errors';

type Db = Database.Database;
import { migrations, type Migration } from './migrations/index';

export const latestVersion = (list: readonly Migration[] = migrations): number =>
  list.reduce((max, m) => Math.max(max, m.version), 0);

/**
 * Brings the schema to the latest version, one transaction per migration, tracked in
 * `user_version`. A database written by a newer release is refused rather than guessed at.
 */
export function migrate(db: Db, list: readonly Migration[] = migrations): number {
  const current = assertNotNewer(db, list);
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latestVersion(list);
}

/** Reads the schema version, refusing (before anything is written) one this release does not know. */
export function assertNotNewer(db: Db, list: readonly Migration[] = migrations): number {
  const current = Number(db.pragma('user_version', { simple: true }));
  const latest = latestVersion(list);
  if (current > latest) {
    throw new DatabaseOpenError(
      'NEWER_VERSION',
      `This database was written by a newer version of the programmer (schema ${current}; this version knows ${latest}). Update the programmer; the file has not been changed.`,
    );
  }
  return current;
}
