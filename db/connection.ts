import type BetterSqlite3 from 'better-sqlite3';
import SqliteWithCiphers from 'better-sqlite3-multiple-ciphers';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertNotNewer, latestVersion, migrate } from './migrate';
import { DatabaseOpenError } from './errors';

export { DatabaseOpenError };

export type Db = BetterSqlite3.Database;

/**
 * SQLite with SQLite3 Multiple Ciphers: the same API as better-sqlite3, able to read and write
 * SQLCipher-encrypted files (the database, its WAL and its copies).
 */
export const Database = SqliteWithCiphers as unknown as typeof BetterSqlite3;

/** Options of a store that is encrypted at rest. */
export interface StoreKey {
  /** 32 bytes: SQLCipher's raw key (no passphrase derivation). */
  key: Buffer;
}

const PLAIN_HEADER = 'SQLite format 3\0';

/** True for a file that starts as an unencrypted SQLite database does (an encrypted one starts with random bytes). */
export function isPlainDatabaseFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const header = Buffer.alloc(16);
    return readSync(fd, header, 0, 16, 0) === 16 && header.toString('latin1') === PLAIN_HEADER;
  } finally {
    closeSync(fd);
  }
}

/**
 * Keys a connection before anything is read: SQLCipher 4 (its defaults: AES-256, HMAC-SHA512 per
 * page), the 32-byte key given raw, so any SQLCipher 4 tool opens the file with
 * `PRAGMA key = "x'<64 hex digits>'"`.
 */
export function applyKey(db: Db, key: Buffer): void {
  if (key.length !== 32) throw new Error('a database key is 32 bytes');
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${key.toString('hex')}'"`);
}

const keys = new WeakMap<Db, Buffer>();

function keyed(db: Db, key: Buffer): void {
  applyKey(db, key);
  keys.set(db, Buffer.from(key));
}

/** The key a connection was opened with (its copies are encrypted with it too); undefined for a plain database. */
export const keyOf = (db: Db): Buffer | undefined => keys.get(db);

/** The database file and its side files (WAL, shared memory): owner-only. */
function restrictToOwner(path: string): void {
  if (process.platform === 'win32' || path === ':memory:') return;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      const st = statSync(file);
      if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(file, 0o600);
    } catch {
      // absent (no WAL yet) or not ours: left as it is
    }
  }
}

/** A new database file, created empty and owner-only before SQLite opens it (SQLite gives its WAL the same mode). */
function createPrivately(path: string): void {
  if (path === ':memory:' || existsSync(path)) return;
  const folder = dirname(path);
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

const wrongKey = (path: string, message: string): DatabaseOpenError | undefined =>
  /not a database|SQLITE_NOTADB/i.test(message)
    ? new DatabaseOpenError(
        'CANNOT_OPEN',
        `The database at ${path} cannot be read with the database key: it is encrypted with another key, or it is not a database (${message}). Use the key folder it was made with.`,
      )
    : undefined;

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
    throw new DatabaseOpenError(
      'CORRUPT',
      `The database file at ${path} is empty (0 bytes); it is not taken as a new database.`,
    );
  }
}

/**
 * Opens (creating when absent) the store at `path`, sets and then *verifies* the durability
 * pragmas: an audit store that does not sync every commit to disk is refused, not used.
 */
export function openDatabase(path: string, encryption?: StoreKey): Db {
  refuseEmptyFile(path);
  if (encryption !== undefined && isPlainDatabaseFile(path)) {
    throw new DatabaseOpenError(
      'CANNOT_OPEN',
      `The database at ${path} is not encrypted; open it through the programmer's store, which encrypts it once (openStore).`,
    );
  }
  let db: Db;
  try {
    createPrivately(path);
    db = new Database(path);
    if (encryption !== undefined) keyed(db, encryption.key);
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
    restrictToOwner(path);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof DatabaseOpenError) throw e;
    const message = (e as Error).message;
    if (encryption !== undefined) {
      const keyProblem = wrongKey(path, message);
      if (keyProblem !== undefined) throw keyProblem;
    }
    if (/not a database|malformed/i.test(message)) {
      throw new DatabaseOpenError(
        'CORRUPT',
        `The file at ${path} is not a readable database${encryption === undefined ? ' (or it is encrypted and was opened without its key)' : ''}: ${message}`,
      );
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
export function openDatabaseReadOnly(path: string, encryption?: StoreKey): Db {
  refuseEmptyFile(path);
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    // A plain file (one not yet encrypted, or an old backup) is read as it is.
    if (encryption !== undefined && !isPlainDatabaseFile(path)) keyed(db, encryption.key);
  } catch (e) {
    throw new DatabaseOpenError('CANNOT_OPEN', `Cannot open the database at ${path}: ${(e as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok')
      throw new DatabaseOpenError('CORRUPT', `The database at ${path} failed its integrity check: ${String(check)}`);
    const version = assertNotNewer(db);
    if (version < latestVersion()) {
      throw new DatabaseOpenError(
        'CANNOT_OPEN',
        `The database at ${path} has schema ${version}; open it once with the programmer to upgrade it (schema ${latestVersion()}).`,
      );
    }
    return db;
  } catch (e) {
    db.close();
    if (e instanceof DatabaseOpenError) throw e;
    if (encryption !== undefined) {
      const keyProblem = wrongKey(path, (e as Error).message);
      if (keyProblem !== undefined) throw keyProblem;
    }
    throw new DatabaseOpenError(
      'CORRUPT',
      `The file at ${path} is not a readable database${encryption === undefined ? ' (or it is encrypted and was opened without its key)' : ''}: ${(e as Error).message}`,
    );
  }
}
