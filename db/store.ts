import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Database, DatabaseOpenError, isPlainDatabaseFile, openDatabase, openDatabaseReadOnly, type Db } from './connection';
import { type DatabaseKeyFile, KeyFileError, type AuditKeyStore } from './audit/keys';
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
    throw new DatabaseOpenError('NO_KEY', `The database at ${path} is encrypted and its key (${keyFile.path}) is not there. Restore the key folder from its backup, or point PUMP_AUDIT_KEY_DIR at it.`);
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
  const present = existsSync(file);
  if (present && statSync(file).size === 0) return openDatabase(file); // refused with its reason
  if (!present) return openDatabase(file, { key: keyOrRefuse(file, options.keyFile, true) });
  if (isPlainDatabaseFile(file)) {
    if (options.encryptPlain === false) return openDatabase(file);
    const key = keyOrRefuse(file, options.keyFile, true);
    encryptPlainDatabase(file, key, options.auditKeys);
    return openDatabase(file, { key });
  }
  return openDatabase(file, { key: keyOrRefuse(file, options.keyFile, false) });
}

/** Opens a store (encrypted or, for an old file or backup, plain) without writing to it. */
export function openStoreReadOnly(path: string, keyFile: DatabaseKeyFile | undefined): Db {
  const file = resolve(path);
  if (keyFile === undefined || !existsSync(file) || statSync(file).size === 0 || isPlainDatabaseFile(file)) return openDatabaseReadOnly(file);
  return openDatabaseReadOnly(file, { key: keyOrRefuse(file, keyFile, false) });
}

const sameVerification = (a: AuditVerifyReport, b: AuditVerifyReport): boolean => {
  const essence = (r: AuditVerifyReport) => JSON.stringify([r.status, r.records, r.firstFailure ?? null, r.checkpoints, r.lastCheckpointSeq, r.unprotectedTail, r.databaseId]);
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

/**
 * Encrypts a plain database once: its schema brought up to date, a consistent copy taken
 * (`VACUUM INTO`), the copy encrypted with `key`, then checked — `integrity_check`, and its audit
 * trail must verify exactly as the original's (same status, records, signatures) — and only then
 * moved over the plain file; the plain file's WAL and shared-memory files are removed. Until the
 * copy has passed every check the plain file is left as it was. Every other program using the file
 * must be closed first.
 */
export function encryptPlainDatabase(path: string, key: Buffer, auditKeys?: AuditKeyStore): { records: number } {
  const file = resolve(path);
  const location = realpathSync(file);
  const staged = `${file}.encrypting-${randomBytes(4).toString('hex')}`;
  let before: AuditVerifyReport;
  const plain = openDatabase(file);
  try {
    plain.pragma('wal_checkpoint(TRUNCATE)');
    before = verifyAudit(plain, auditKeys, { location });
    closeSync(openSync(staged, 'wx', 0o600));
    plain.prepare('VACUUM INTO ?').run(staged);
  } catch (e) {
    rmSync(staged, { force: true });
    throw e instanceof DatabaseOpenError ? e : new DatabaseOpenError('CANNOT_OPEN', `The database at ${file} could not be copied for encryption (the plain file is unchanged): ${(e as Error).message}`);
  } finally {
    plain.close();
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
        throw new Error(`the encrypted copy's audit trail does not verify as the original's (${before.status}, ${before.records} records → ${after.status}, ${after.records} records)`);
      }
    } finally {
      check.close();
    }
    fsyncPath(staged);
    renameSync(staged, file);
    for (const side of ['-wal', '-shm']) rmSync(`${file}${side}`, { force: true });
    fsyncPath(dirname(file));
  } catch (e) {
    rmSync(staged, { force: true });
    throw new DatabaseOpenError('CANNOT_OPEN', `The database at ${file} could not be encrypted; the plain file is unchanged: ${(e as Error).message}`);
  }
  return { records: before.records };
}
