import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../connection';

// What binds a trail to its database: the database id, the digest of the meta table, the file's location.

export const databaseId = (db: Db): string => {
  const id = db.prepare<[], string>(`SELECT value FROM meta WHERE key = 'database_id'`).pluck().get();
  if (id === undefined) throw new Error('the database has no database_id');
  return id;
};

/** "sha256:" + hex SHA-256 of the JSON array of every `meta` row as [key, value], ordered by key. */
export const metaDigest = (db: Db): string => digestOfMeta(db.prepare('SELECT key, value FROM meta ORDER BY key'));

export const digestOfMeta = (rows: Statement): string =>
  `sha256:${createHash('sha256')
    .update(JSON.stringify(rows.raw(true).all()))
    .digest('hex')}`;

/** Where a database file lives (its real path): its signed head is kept under this name. Undefined in memory. */
export const databaseLocation = (db: Db): string | undefined => {
  if (db.memory || db.name === '' || db.name === ':memory:') return undefined;
  const path = resolve(db.name);
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};
