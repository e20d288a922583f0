import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { openDatabase } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog, databaseLocation } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { SimulatorLink } from '../support/simulator-link';
import type { SignedInUser } from '../../services/auth/accounts';
import { programPump } from '../../services/programming';
import { retryBookkeeping } from '../../services/session-outcomes';
import { openRuntime, type Runtime } from '../../services/runtime';
import { manualClock, tempDir } from './helpers';

const doctor: SignedInUser = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' };

/**
 * The key folder on its own small tmpfs, which the test can make read-only: a real failure of the
 * head file (EROFS), for root as for anyone. Needs mount (root on Linux), as the full-disk test.
 */
let point: string | undefined;
let dir: string;
let cleanup: () => void;
let runtime: Runtime | undefined;
const mount = (...args: string[]) => spawnSync('mount', args).status === 0;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  point = undefined;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
  const p = tempDir('pump-keys-tmpfs-').dir;
  if (mount('-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', p)) point = p;
  else rmSync(p, { recursive: true, force: true });
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  if (point !== undefined) {
    spawnSync('umount', [point]);
    rmSync(point, { recursive: true, force: true });
  }
  cleanup();
});

describe('a signature owed after a committed program survives a restart', () => {
  it('is found again at start, alarmed until the key folder can be written, then made', async (ctx) => {
    if (point === undefined) return ctx.skip();
    const keys = new FileKeyStore(join(point, 'keys'));
    const path = join(dir, 'programmer.sqlite');
    const db = openDatabase(path);
    const audit = new AuditLog(db, keys, { checkpointEvery: 2 }); // the outcome record (seq 2) is due to be signed
    const link = new SimulatorLink({ clock: manualClock().now });
    expect(mount('-o', 'remount,ro', point)).toBe(true);

    const r = await programPump(
      { db, audit, link, library: defaultLibrary, now: () => new Date() },
      {
        actor: doctor,
        settings: {
          drug: 'morphine',
          concentration: { value: '10', unit: 'mg/mL' },
          mode: 'continuous',
          rate: { value: '0.27', unit: 'mL/day' },
        },
      },
    );
    expect(r).toMatchObject({
      ok: true,
      value: {
        outcome: 'confirmed',
        recordingProblem: expect.stringMatching(/could not be signed.*(EROFS|read-only)/i) as unknown,
      },
    });
    expect(link.pump.status().rate.value).toBe('0.27');
    // The head file could not be written: nothing outside the database names the signed record.
    expect(keys.readHead(databaseLocation(db) ?? '')).toBeUndefined();
    db.close(); // the app stops (or crashes) before the retry could succeed

    // Restart, the key folder still read-only: the debt is found again and alarmed.
    runtime = await openRuntime({ host: 'web', databasePath: path, simulator: true, keys, databaseKey: false });
    const info = await runtime.dispatch('app:info', {});
    expect(info).toMatchObject({
      ok: true,
      value: {
        bookkeeping: [
          { key: 'bookkeepingNotSigned', params: { detail: expect.stringMatching(/EROFS|read-only/i) as unknown } },
        ],
      },
    });
    expect(retryBookkeeping({ audit: runtime.audit })).toBe(false);

    // Storage comes back: the retry makes the signature, and the alarm ends.
    expect(mount('-o', 'remount,rw', point)).toBe(true);
    expect(retryBookkeeping({ audit: runtime.audit })).toBe(true);
    expect(await runtime.dispatch('app:info', {})).not.toHaveProperty('value.bookkeeping');
    const report = verifyAudit(runtime.db, keys);
    expect(report).toMatchObject({ status: 'intact', unprotectedTail: 0 });
    const head = keys.readHead(databaseLocation(runtime.db) ?? '');
    expect(head?.seq).toBe(report.records);
    expect(runtime.audit.signatureOwed()).toBeUndefined();
  });

  it('nothing owed: a start neither alarms nor signs', async () => {
    const keys = new FileKeyStore(join(dir, 'keys'));
    const path = join(dir, 'programmer.sqlite');
    runtime = await openRuntime({ host: 'web', databasePath: path, simulator: true, keys, databaseKey: false });
    await runtime.close();
    const before = (() => {
      const db = openDatabase(path);
      try {
        return db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get();
      } finally {
        db.close();
      }
    })();
    runtime = await openRuntime({ host: 'web', databasePath: path, simulator: true, keys, databaseKey: false });
    expect(await runtime.dispatch('app:info', {})).not.toHaveProperty('value.bookkeeping');
    expect(runtime.db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get()).toBe(before);
  });
});
