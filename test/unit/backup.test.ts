import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../db/backup';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let db: Db;
let keys: FileKeyStore;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = openDatabase(join(dir, 'live.sqlite'));
  keys = new FileKeyStore(join(dir, 'keys'));
  const audit = new AuditLog(db, keys);
  for (let i = 0; i < 200; i++)
    audit.append({ atUtc: '2026-03-01T08:00:00Z', actor: 'dr.li', action: 'pump.interrogate', outcome: 'confirmed' });
  audit.checkpoint();
});
afterEach(() => {
  db.close();
  cleanup();
});

describe('online backup', () => {
  it('copies the live database and verifies the copy', async () => {
    const report = await backupDatabase(db, join(dir, 'backup.sqlite'), keys);
    expect(report.integrity).toBe('ok');
    expect(report.audit).toMatchObject({ ok: true, records: 200, lastCheckpointSeq: 200 });
    const copy = new Database(join(dir, 'backup.sqlite'), { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(200);
    copy.close();
  });

  it('never overwrites an existing file', async () => {
    await backupDatabase(db, join(dir, 'once.sqlite'), keys);
    await expect(backupDatabase(db, join(dir, 'once.sqlite'), keys)).rejects.toThrow(/exists/);
  });
});
