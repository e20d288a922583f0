import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import type { PumpSettings } from '../../core/pump';
import { openDatabase, type Db } from '../../db/connection';
import type { AuditKeyStore } from '../../db/audit/key-store';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { SimulatorLink } from '../support/simulator-link';
import type { SignedInUser } from '../../services/auth/accounts';
import { programPump } from '../../services/programming';
import { retryBookkeeping } from '../../services/session-outcomes';
import { settleOpenSessions } from '../../services/open-sessions';
import { type ProgrammingDeps } from '../../services/programming-request';
import { manualClock, tempDir } from './helpers';

// programPump (services/programming.ts) when the audit trail or the key folder cannot be written
// after the write may have reached the pump, and retryBookkeeping (services/session-outcomes.ts).

const doctor: SignedInUser = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' };
const morphine = (rate: string): PumpSettings => ({
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'continuous',
  rate: { value: rate, unit: 'mL/day' },
});

/** Fills the file system holding `dir` until a write fails with ENOSPC. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return file;
}

describe('after the write may have reached the pump, the answer says what the pump did', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let link: SimulatorLink;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'p.sqlite'));
    link = new SimulatorLink({ clock: manualClock().now });
  });
  afterEach(() => {
    db.close();
    cleanup();
  });
  const depsWith = (keys: AuditKeyStore, checkpointEvery = 64): ProgrammingDeps => ({
    db,
    audit: new AuditLog(db, keys, { checkpointEvery }),
    link,
    library: defaultLibrary,
    now: () => new Date(),
  });
  const trail = () =>
    db.prepare('SELECT action, outcome FROM audit_log ORDER BY seq').all() as Array<{
      action: string;
      outcome: string;
    }>;
  const sessionOutcome = () => db.prepare('SELECT outcome FROM programming_sessions').pluck().get();

  // A real full disk: a 64 KiB tmpfs for the key folder (needs root and mount; otherwise skipped,
  // and the injected write error below covers the same boundary).
  let mountPoint: string | undefined;
  beforeAll(() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
    const point = tempDir('pump-tmpfs-').dir;
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', point]);
    if (mounted.status === 0) mountPoint = point;
    else rmSync(point, { recursive: true, force: true });
  });
  afterAll(() => {
    if (mountPoint === undefined) return;
    spawnSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('key folder on a full disk: confirmed, recorded, the failed signature recorded and signed later', async (ctx) => {
    if (mountPoint === undefined) return ctx.skip();
    const keyDir = join(mountPoint, 'keys');
    const keys = new FileKeyStore(keyDir);
    const deps = depsWith(keys, 2); // the outcome record (seq 2) is due to be signed
    const filler = fill(mountPoint);
    try {
      const r = await programPump(deps, { actor: doctor, settings: morphine('0.27') });
      expect(r).toMatchObject({
        ok: true,
        value: {
          outcome: 'confirmed',
          mismatches: [],
          recordingProblem: expect.stringMatching(/could not be signed.*(ENOSPC|no space)/i) as unknown,
        },
      });
      expect(link.pump.status().rate.value).toBe('0.27');
      expect(sessionOutcome()).toBe('confirmed');
      expect(trail()).toEqual([
        { action: 'pump.program', outcome: 'pending' },
        { action: 'pump.program.outcome', outcome: 'confirmed' },
        { action: 'audit.checkpointFailed', outcome: 'rejected' },
      ]);
      // Nothing half-written is left in the key folder.
      expect(readdirSync(keyDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(retryBookkeeping(deps)).toBe(false); // still full
    } finally {
      rmSync(filler);
    }
    expect(retryBookkeeping(deps)).toBe(true);
    const report = verifyAudit(db, keys);
    expect(report).toMatchObject({ status: 'intact', unprotectedTail: 0 });
  });

  it('a head file that cannot be written (injected at the key store): the answer and the session stay true', async () => {
    const real = new FileKeyStore(join(dir, 'keys'));
    let full = true;
    const keys: AuditKeyStore = {
      existingKey: (id) => real.existingKey(id),
      createKey: (id) => real.createKey(id),
      readHead: (l) => real.readHead(l),
      removeHead: (l) => real.removeHead(l),
      writeHead: (l, h) => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        real.writeHead(l, h);
      },
    };
    const deps = depsWith(keys, 2);
    const r = await programPump(deps, { actor: doctor, settings: morphine('0.27') });
    expect(r).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed', recordingProblem: expect.stringContaining('could not be signed') as unknown },
    });
    expect(sessionOutcome()).toBe('confirmed');
    full = false;
    expect(retryBookkeeping(deps)).toBe(true);
    expect(verifyAudit(db, keys)).toMatchObject({ status: 'intact', unprotectedTail: 0 });
  });

  it('an outcome that cannot be written: the pump’s answer is returned, the session stays open, the outcome is written when storage allows', async () => {
    const keys = new FileKeyStore(join(dir, 'keys'));
    const deps = depsWith(keys);
    db.exec(
      `CREATE TRIGGER full_disk BEFORE INSERT ON audit_log WHEN NEW.action = 'pump.program.outcome' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`,
    );
    const r = await programPump(deps, { actor: doctor, settings: morphine('0.27') });
    expect(r).toMatchObject({
      ok: true,
      value: {
        outcome: 'confirmed',
        mismatches: [],
        status: { rate: { value: '0.27' } },
        recordingProblem: expect.stringContaining('stays open') as unknown,
      },
    });
    expect(sessionOutcome()).toBe('pending');
    // Still open: nothing else is sent to this pump until its outcome is known.
    expect(await programPump(deps, { actor: doctor, settings: morphine('0.24') })).toMatchObject({
      ok: false,
      error: { code: 'PROGRAMMING_BLOCKED' },
    });
    db.exec('DROP TRIGGER full_disk');
    expect(retryBookkeeping(deps)).toBe(true);
    expect(sessionOutcome()).toBe('confirmed');
    const late = db
      .prepare(`SELECT new_json FROM audit_log WHERE action = 'pump.program.outcome'`)
      .pluck()
      .get() as string;
    expect(JSON.parse(late)).toMatchObject({ mismatches: [], recordedLate: { error: 'database or disk is full' } });
    expect(verifyAudit(db, keys).ok).toBe(true);
  });

  it('an outcome settled by reading the pump before it could be written: the failure itself is recorded', async () => {
    const keys = new FileKeyStore(join(dir, 'keys'));
    const deps = depsWith(keys);
    db.exec(
      `CREATE TRIGGER full_disk BEFORE INSERT ON audit_log WHEN NEW.action = 'pump.program.outcome' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`,
    );
    await programPump(deps, { actor: doctor, settings: morphine('0.27') });
    db.exec('DROP TRIGGER full_disk');
    // Another process (its own audit log on the same file) reads the pump and settles the session...
    const other = { db, audit: new AuditLog(db, keys), now: () => new Date() };
    const status = await link.interrogate();
    if (!status.ok) throw new Error('the simulated pump did not answer');
    expect(settleOpenSessions(other, status.value, { username: 'nurse.wang', role: 'nurse' })).toMatchObject([
      { outcome: 'confirmed' },
    ]);
    // ...then this one gets its storage back.
    expect(retryBookkeeping(deps)).toBe(true);
    expect(trail().at(-1)).toEqual({ action: 'pump.program.outcomeNotRecorded', outcome: 'confirmed' });
  });
});
