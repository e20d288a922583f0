import { copyFileSync, existsSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Db } from '../connection';
import { openStoreReadOnly } from '../store';
import type { DatabaseKeyFile } from './keys';

export interface VerificationTarget {
  db: Db;
  /** The original file's location (its signed head is looked up under it). */
  location: string;
  /** True when the file could not be read in place and a private copy was verified. */
  copied: boolean;
  close(): void;
}

/**
 * Opens a database for verification without changing it. A WAL database on read-only media (a
 * write-protected stick, a read-only share, an archive disc) cannot be opened in place: SQLite
 * needs its side files beside it. Then the file (and its WAL, if there is one) is copied into a
 * private temporary folder and the copy is verified, checked against the original's signed head.
 */
export function openForVerification(file: string, keyFile?: DatabaseKeyFile): VerificationTarget {
  const path = resolve(file);
  const location = existsSync(path) ? realpathSync(path) : path;
  try {
    const db = openStoreReadOnly(path, keyFile);
    return { db, location, copied: false, close: () => db.close() };
  } catch (e) {
    if (!existsSync(path) || !/unable to open database file|readonly|read-only/i.test((e as Error).message)) throw e;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pump-verify-'));
  try {
    const copy = join(dir, basename(path));
    copyFileSync(path, copy);
    const wal = `${path}-wal`;
    if (existsSync(wal) && statSync(wal).isFile()) copyFileSync(wal, `${copy}-wal`);
    const db = openStoreReadOnly(copy, keyFile);
    return {
      db,
      location,
      copied: true,
      close: () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
