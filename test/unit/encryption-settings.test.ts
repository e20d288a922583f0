import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyKey, Database, openDatabase } from '../../db/connection';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

// What the store's key settings give (docs/security.md): SQLCipher 4 with its defaults — 4 KiB
// pages, each authenticated by its HMAC-SHA512. A speed-up that dropped the HMAC or changed the
// page size would make a file other SQLCipher 4 tools could not open, or one whose pages can be
// changed unseen: this is where it shows.
describe('the encryption settings', () => {
  const write = (path: string, key: Buffer) => {
    const db = new Database(path);
    applyKey(db, key);
    db.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('one')");
    db.close();
  };
  const read = (path: string, key: Buffer) => {
    const db = new Database(path, { readonly: true });
    try {
      applyKey(db, key);
      return db.prepare<[], string>('SELECT x FROM t').pluck().get();
    } finally {
      db.close();
    }
  };

  it('SQLCipher 4 pages of 4 KiB: a two-page database is 8,192 bytes, read back with the key', () => {
    const path = join(dir, 'a.sqlite');
    const key = randomBytes(32);
    write(path, key);
    expect(statSync(path).size).toBe(8192);
    expect(read(path, key)).toBe('one');
  });

  it('every byte of a page is authenticated: one bit changed in its free space makes the page unreadable', () => {
    const path = join(dir, 'a.sqlite');
    const key = randomBytes(32);
    write(path, key);
    const untouched = join(dir, 'untouched.sqlite');
    copyFileSync(path, untouched);
    // The middle of page 2 (the table's page, one short row at its end) is free space: without a
    // per-page HMAC the change would only garble bytes SQLite never looks at, and go unnoticed.
    const bytes = readFileSync(path);
    bytes[4096 + 2048] = (bytes[4096 + 2048] ?? 0) ^ 1;
    writeFileSync(path, bytes);
    expect(read(untouched, key)).toBe('one');
    expect(() => read(path, key)).toThrow(/malformed|not a database/);
    expect(() => openDatabase(path, { key })).toThrow(/integrity check|not a readable database/);
  });
});
