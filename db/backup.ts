import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { keyOf, openDatabaseReadOnly, type Db } from './connection';
import type { AuditKeyStore } from './audit/key-store';
import { verifyAudit, type AuditVerifyReport } from './audit/verify';

export interface BackupReport {
  path: string;
  integrity: string;
  audit: AuditVerifyReport;
}

/**
 * A consistent copy of a live database (`VACUUM INTO`: one read transaction, so the app may keep
 * writing), owner-only (0600; a folder it creates is 0700). A database encrypted at rest gives an
 * encrypted copy, with the same key. An existing file is never overwritten.
 */
export function copyDatabase(db: Db, destination: string): Promise<void> {
  try {
    if (existsSync(destination)) throw new Error(`${destination} exists; choose a new file name for the backup`);
    const folder = dirname(destination);
    if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 });
    // Created empty and owner-only first: VACUUM INTO fills an empty file and keeps its mode.
    closeSync(openSync(destination, 'wx', 0o600));
    try {
      db.prepare('VACUUM INTO ?').run(destination);
    } catch (e) {
      rmSync(destination, { force: true });
      throw e;
    }
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

/**
 * An online backup, then verified: the copy must pass integrity_check and its audit chain must
 * verify, or the backup is reported as failed. An existing file is never overwritten.
 */
export async function backupDatabase(db: Db, destination: string, keys?: AuditKeyStore): Promise<BackupReport> {
  await copyDatabase(db, destination);
  const key = keyOf(db);
  const copy = openDatabaseReadOnly(destination, key === undefined ? undefined : { key });
  try {
    const integrity = String(copy.pragma('integrity_check', { simple: true }));
    const audit = verifyAudit(copy, keys);
    return { path: destination, integrity, audit };
  } finally {
    copy.close();
  }
}
