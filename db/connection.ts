import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertNotNewer, latestVersion, migrate } from './migrate';
import { DatabaseOpenError } from './errors';

export { DatabaseOpenError };

export type Db = Database.Database;

/**
 * SQLite takes an empty file for a new database; a store that lost its content (a failed copy,
 * a full disk) must not silently start again with a new, empty audit trail.
 */
function refuseEmptyFile(path: string): void {
  if (path === ':memory:') return;
  let size: number | undefined;
  try {
    size = statSync(path).size;
  } catch {
    size = undefined;
  }
  if (size === 0) {
    throw new DatabaseOpenError('CORRUPT', `The database file at ${path} is empty (0 bytes); it is not taken as a new database.`);
  }
}

/**
 * Opens (creating when absent) the store at `path`, sets and then *verifies* the durability
 * pragmas: an audit store that does not sync every commit to disk is refused, not used.
 */
export function openDatabase(path: string): Db {
  refuseEmptyFile(path);
  let db: Db;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (e) {
    throw new DatabaseOpenError('CANNOT_OPEN', `Cannot open the database at ${path}: ${(e as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new DatabaseOpenError('CORRUPT', `The database at ${path} failed its integrity check: ${String(check)}`);
    }
    assertNotNewer(db);
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    assertDurable(db, path);
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof DatabaseOpenError) throw e;
    const message = (e as Error).message;
    if (/not a database|malformed/i.test(message)) {
      throw new DatabaseOpenError('CORRUPT', `The file at ${path} is not a readable database: ${message}`);
    }
    if (/readonly|read-only|disk is full|SQLITE_FULL|SQLITE_READONLY|unable to open/i.test(message)) {
      throw new DatabaseOpenError('CANNOT_OPEN', `The database at ${path} cannot be written: ${message}`);
    }
    throw e;
  }
}

function assertDurable(db: Db, path: string): void {
  const journal = String(db.pragma('journal_mode', { simple: true }));
  const synchronous = Number(db.pragma('synchronous', { simple: true }));
  const foreignKeys = Number(db.pragma('foreign_keys', { simple: true }));
  const wantJournal = path === ':memory:' ? 'memory' : 'wal';
  // synchronous: 2 = FULL, 3 = EXTRA; both sync the WAL on every commit.
  if (journal !== wantJournal || synchronous < 2 || foreignKeys !== 1) {
    throw new DatabaseOpenError(
      'NOT_DURABLE',
      `The database at ${path} cannot be made durable (journal_mode=${journal}, synchronous=${synchronous}, foreign_keys=${foreignKeys}).`,
    );
  }
}

/**
 * Opens an existing store without writing anything to it (verification, export readers).
 * Refuses a missing file, a file from a newer version and one older than this release's schema.
 */
export function openDatabaseReadOnly(path: string): Db {
  refuseEmptyFile(path);
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new DatabaseOpenError('CANNOT_OPEN', `Cannot open the database at ${path}: ${(e as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new DatabaseOpenError('CORRUPT', `The database at ${path} failed its integrity check: ${String(check)}`);
    const version = assertNotNewer(db);
    if (version < latestVersion()) {
      throw new DatabaseOpenError('CANNOT_OPEN', `The database at ${path} has schema ${version}; open it once with the programmer to upgrade it (schema ${latestVersion()}).`);
    }
    return db;
  } catch (e) {
    db.close();
    if (e instanceof DatabaseOpenError) throw e;
    throw new DatabaseOpenError('CORRUPT', `The file at ${path} is not a readable database: ${(e as Error).message}`);
  }
}
