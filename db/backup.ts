import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Db } from './connection';
import type { AuditKeyStore } from './audit/keys';
import { verifyAudit, type AuditVerifyReport } from './audit/verify';

export interface BackupReport {
  path: string;
  integrity: string;
  audit: AuditVerifyReport;
}

/**
 * An online backup (SQLite's backup API: consistent while the app keeps writing), then verified:
 * the copy must pass integrity_check and its audit chain must verify, or the backup is reported
 * as failed. An existing file is never overwritten.
 */
export async function backupDatabase(db: Db, destination: string, keys?: AuditKeyStore): Promise<BackupReport> {
  if (existsSync(destination)) throw new Error(`${destination} exists; choose a new file name for the backup`);
  await db.backup(destination);
  const copy = new Database(destination, { readonly: true, fileMustExist: true });
  try {
    const integrity = String(copy.pragma('integrity_check', { simple: true }));
    const audit = verifyAudit(copy, keys);
    return { path: destination, integrity, audit };
  } finally {
    copy.close();
  }
}
