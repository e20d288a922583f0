import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  Database,
  DatabaseOpenError,
  isPlainDatabaseFile,
  openDatabase,
  openDatabaseReadOnly,
  type Db,
} from './connection';
import type { AuditKeyStore } from './audit/key-store';
import { type DatabaseKeyFile, KeyFileError } from './audit/keys';
import { verifyAudit, type AuditVerifyReport } from './audit/verify';

export interface StoreOptions {
  /** Where the database key is (created for a new or a plain database). */
  keyFile: DatabaseKeyFile;
  /** The audit keys: a plain database's encrypted copy must verify exactly as the original does. */
  auditKeys?: AuditKeyStore | undefined;
  /**
   * Encrypt a plain database now (default). The long-running hosts, which own the file, do; a
   * one-off command (pumpctl) leaves a plain file plain rather than replace it under a program
   * that may have it open.
   */
  encryptPlain?: boolean;
}

/** The key, or the reason it cannot be had, as the hosts report a database that cannot be opened. */
function keyOrRefuse(path: string, keyFile: DatabaseKeyFile, create: boolean): Buffer {
  let key: Buffer | undefined;
  try {
    key = create ? keyFile.create() : keyFile.read();
  } catch (e) {
    if (e instanceof KeyFileError) throw new DatabaseOpenError('NO_KEY', e.message);
    throw new DatabaseOpenError('NO_KEY', `The database key ${keyFile.path} cannot be used: ${(e as Error).message}`);
  }
  if (key === undefined) {
    throw new DatabaseOpenError(
      'NO_KEY',
      `The database at ${path} is encrypted and its key (${keyFile.path}) is not there. Restore the key folder from its backup, or point PUMP_AUDIT_KEY_DIR at it.`,
    );
  }
  return key;
}

/**
 * Opens the programmer's store encrypted at rest (SQLCipher 4 with the key folder's database key):
 * a new database is created encrypted; a plain one is encrypted once (see `encryptPlainDatabase`);
 * an encrypted one opens only with its key.
 */
export function openStore(path: string, options: StoreOptions): Db {
  if (path === ':memory:') return openDatabase(path);
  const file = resolve(path);
  refuseWhileEncrypting(file);
  const before = existsSync(file) ? statSync(file).ino : undefined;
  const db = openStoreOnce(file, options);
  // Opened in the instant another process moved its encrypted copy into place: open the new file.
  if (before !== undefined && (!existsSync(file) || statSync(file).ino !== before) && !encryptedHere.has(file)) {
    db.close();
    refuseWhileEncrypting(file);
    return openStoreOnce(file, options);
  }
  encryptedHere.delete(file);
  return db;
}

/** Files this process has just encrypted (their inode changed by our own hand). */
const encryptedHere = new Set<string>();

function openStoreOnce(file: string, options: StoreOptions): Db {
  const present = existsSync(file);
  if (present && statSync(file).size === 0) return openDatabase(file); // refused with its reason
  if (!present) return openDatabase(file, { key: keyOrRefuse(file, options.keyFile, true) });
  if (isPlainDatabaseFile(file)) {
    if (options.encryptPlain === false) return openDatabase(file);
    const key = keyOrRefuse(file, options.keyFile, true);
    encryptPlainDatabase(file, key, options.auditKeys);
    encryptedHere.add(file);
    return openDatabase(file, { key });
  }
  return openDatabase(file, { key: keyOrRefuse(file, options.keyFile, false) });
}

/** Opens a store (encrypted or, for an old file or backup, plain) without writing to it. */
export function openStoreReadOnly(path: string, keyFile: DatabaseKeyFile | undefined): Db {
  const file = resolve(path);
  if (keyFile === undefined || !existsSync(file) || statSync(file).size === 0 || isPlainDatabaseFile(file))
    return openDatabaseReadOnly(file);
  return openDatabaseReadOnly(file, { key: keyOrRefuse(file, keyFile, false) });
}

const sameVerification = (a: AuditVerifyReport, b: AuditVerifyReport): boolean => {
  const essence = (r: AuditVerifyReport) =>
    JSON.stringify([
      r.status,
      r.records,
      r.firstFailure ?? null,
      r.checkpoints,
      r.lastCheckpointSeq,
      r.unprotectedTail,
      r.databaseId,
    ]);
  return essence(a) === essence(b);
};

function fsyncPath(path: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The lock file of a plain database's one-time encryption, beside it. */
export const encryptionLockPath = (file: string): string => `${file}.encrypting.lock`;

/** The process holding the encryption lock, if that process is alive (a crashed one's lock is stale). */
function liveLockHolder(lock: string): number | undefined {
  let pid: number;
  try {
    pid = Number((JSON.parse(readFileSync(lock, 'utf8')) as { pid?: unknown }).pid);
  } catch (e) {
    // Being written this instant (or unreadable): taken as held.
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : -1;
  }
  if (!Number.isInteger(pid) || pid <= 0) return -1;
  if (pid === process.pid) return pid;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

const busyEncrypting = (file: string, pid: number) =>
  new DatabaseOpenError(
    'CANNOT_OPEN',
    `The database at ${file} is being encrypted by another program${pid > 0 ? ` (process ${pid})` : ''}; nothing was changed. Start again when it has finished.`,
  );

/** Refuses to open a database another live process is encrypting this moment. */
function refuseWhileEncrypting(file: string): void {
  const holder = liveLockHolder(encryptionLockPath(file));
  if (holder !== undefined && holder !== process.pid) throw busyEncrypting(file, holder);
}

/**
 * Takes the encryption lock: a file created exclusively beside the database, naming this process.
 * A lock left by a process that no longer runs is taken over. Returns its release.
 */
function takeEncryptionLock(file: string): () => void {
  const lock = encryptionLockPath(file);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new DatabaseOpenError(
          'CANNOT_OPEN',
          `The database at ${file} cannot be locked for its encryption (the plain file is unchanged): ${(e as Error).message}`,
        );
      const holder = liveLockHolder(lock);
      if (holder !== undefined) throw busyEncrypting(file, holder);
      rmSync(lock, { force: true }); // stale: its process is gone
      continue;
    }
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return () => rmSync(lock, { force: true });
  }
  throw busyEncrypting(file, -1);
}

/**
 * Encrypts a plain database once, under a lock (`encryptPlainDatabaseLocked`): a lock file that
 * every opener of the store respects, and SQLite's own exclusive lock on the plain file, taken
 * only when no other connection has it open, and held from the copy until the encrypted file is
 * in place: a second process can neither encrypt it too nor write to the plain file meanwhile.
 */
export function encryptPlainDatabase(path: string, key: Buffer, auditKeys?: AuditKeyStore): { records: number } {
  const file = resolve(path);
  const release = takeEncryptionLock(file);
  try {
    // Someone else finished it while we waited for the lock: nothing left to do.
    if (!isPlainDatabaseFile(file)) return { records: 0 };
    return encryptPlainDatabaseLocked(file, key, auditKeys);
  } finally {
    release();
  }
}

/**
 * Encrypts a plain database once: its schema brought up to date, a consistent copy taken
 * (`VACUUM INTO`), the copy encrypted with `key`, then checked — `integrity_check`, and its audit
 * trail must verify exactly as the original's (same status, records, signatures) — and only then
 * moved over the plain file; the plain file's WAL and shared-memory files are removed. Until the
 * copy has passed every check the plain file is left as it was. Every other program using the file
 * must be closed first.
 */
function encryptPlainDatabaseLocked(file: string, key: Buffer, auditKeys?: AuditKeyStore): { records: number } {
  const location = realpathSync(file);
  const staged = `${file}.encrypting-${randomBytes(4).toString('hex')}`;
  let before: AuditVerifyReport;
  const plain = openDatabase(file);
  // Held until the encrypted file is in place (closed in `finally` below).
  try {
    plain.pragma('wal_checkpoint(TRUNCATE)');
    // Leaving WAL needs the only connection to the file: any other program with it open is found here.
    plain.pragma('busy_timeout = 0');
    const mode = String(plain.pragma('journal_mode = DELETE', { simple: true }));
    if (mode !== 'delete')
      throw new Error(`another program has the database open (journal mode stays ${mode}): close it first`);
    // From here no other connection can read or write it until this one closes.
    plain.pragma('locking_mode = EXCLUSIVE');
    plain.exec('BEGIN EXCLUSIVE; COMMIT');
    before = verifyAudit(plain, auditKeys, { location });
    closeSync(openSync(staged, 'wx', 0o600));
    plain.prepare('VACUUM INTO ?').run(staged);
  } catch (e) {
    rmSync(staged, { force: true });
    plain.close();
    const busy = /database is locked|SQLITE_BUSY/i.test((e as Error).message)
      ? ' — another program has the database open: close it first'
      : '';
    throw e instanceof DatabaseOpenError
      ? e
      : new DatabaseOpenError(
          'CANNOT_OPEN',
          `The database at ${file} could not be copied for encryption (the plain file is unchanged): ${(e as Error).message}${busy}`,
        );
  }
  try {
    const copy = new Database(staged);
    try {
      copy.pragma(`cipher = 'sqlcipher'`);
      copy.pragma('legacy = 4');
      copy.pragma(`rekey = "x'${key.toString('hex')}'"`);
    } finally {
      copy.close();
    }
    if (isPlainDatabaseFile(staged)) throw new Error('the copy is still plain after encryption');
    const check = openDatabaseReadOnly(staged, { key });
    try {
      const integrity = String(check.pragma('integrity_check', { simple: true }));
      if (integrity !== 'ok') throw new Error(`the encrypted copy failed its integrity check: ${integrity}`);
      const after = verifyAudit(check, auditKeys, { location });
      if (!sameVerification(before, after)) {
        throw new Error(
          `the encrypted copy's audit trail does not verify as the original's (${before.status}, ${before.records} records → ${after.status}, ${after.records} records)`,
        );
      }
    } finally {
      check.close();
    }
    fsyncPath(staged);
    renameSync(staged, file);
    plain.close();
    for (const side of ['-wal', '-shm', '-journal']) rmSync(`${file}${side}`, { force: true });
    fsyncPath(dirname(file));
  } catch (e) {
    rmSync(staged, { force: true });
    if (plain.open) plain.close();
    throw new DatabaseOpenError(
      'CANNOT_OPEN',
      `The database at ${file} could not be encrypted; the plain file is unchanged: ${(e as Error).message}`,
    );
  }
  return { records: before.records };
}
