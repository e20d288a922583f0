import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { createFirstAdmin, type AccountDeps } from '../../services/auth/accounts';
import { manualClock, tempDir } from './helpers';

// What the account tests share (services/auth/accounts.ts): a SQLite file, its audit trail and a
// clock for each test, and the first administrator.

/** A fresh database, audit trail and clock for each test of the file that calls it. */
export function accountsFixture() {
  const f = {
    db: undefined as unknown as Db,
    deps: undefined as unknown as AccountDeps,
    clock: manualClock(),
    /** Creates the first administrator, pharm.zhao. */
    async admin() {
      const r = await createFirstAdmin(f.deps, {
        username: 'pharm.zhao',
        displayName: 'Zhao (pharmacist)',
        password: 'correct horse battery',
      });
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    },
  };
  let cleanup: () => void = () => undefined;
  beforeEach(() => {
    const made = tempDir();
    cleanup = made.cleanup;
    f.db = openDatabase(join(made.dir, 'accounts.sqlite'));
    f.clock = manualClock();
    f.deps = { db: f.db, audit: new AuditLog(f.db, new FileKeyStore(join(made.dir, 'keys'))), now: f.clock.now };
  });
  afterEach(() => {
    f.db.close();
    cleanup();
  });
  return f;
}
