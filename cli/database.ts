import { resolve } from 'node:path';
import { appError } from '../core/result';
import type { Db } from '../db/connection';
import { DatabaseKeyFile, FileKeyStore } from '../db/audit/keys';
import { openStore } from '../db/store';
import { auditKeyDir } from '../services/paths';
import { describeStartupError } from '../services/startup-errors';
import { fail, type ExitCode, type Io } from './output';

/**
 * Opens the database a command names, runs `fn` with it and always closes it. A file that cannot
 * be opened ends the command with the cause and the remedy (exit 2), never a stack trace.
 */
export async function withDatabase(
  io: Io,
  json: boolean,
  file: string,
  fn: (db: Db, path: string) => Promise<ExitCode>,
): Promise<ExitCode> {
  const path = resolve(file);
  let db: Db;
  try {
    // A new database is encrypted with the key folder's database key; a plain one is left plain
    // (the desktop app or the web host encrypts it when it next starts).
    db = openStore(path, {
      keyFile: new DatabaseKeyFile(auditKeyDir()),
      auditKeys: new FileKeyStore(auditKeyDir()),
      encryptPlain: false,
    });
  } catch (e) {
    return fail(io, json, appError('STORAGE_FAILED', describeStartupError(e, path)));
  }
  try {
    return await fn(db, path);
  } finally {
    db.close();
  }
}
