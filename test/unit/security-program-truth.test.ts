import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import type { PumpSettings } from '../../core/pump';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore, type AuditKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { SimulatorLink } from '../support/simulator-link';
import type { SignedInUser } from '../../services/auth/accounts';
import { programPump } from '../../services/programming';
import { retryBookkeeping } from '../../services/session-outcomes';
import { settleOpenSessions } from '../../services/open-sessions';
import { type ProgrammingDeps } from '../../services/programming-request';
import { manualClock, signInThrough, tempDir } from './helpers';
import { runtimeFixture } from './runtime-fixture';
import { openRuntime } from '../../services/runtime';

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

describe('a session is settled only by the request that is writing it', () => {
  const f = runtimeFixture();

  it('an interrogation during the program write does not record a false "rejected"', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const preview = await f.value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '2.7',
    });
    // The write is held until the interrogation has read the pump (still the old program) and settled what it could.
    const link = f.runtime.link;
    const write = link.program.bind(link);
    let writing!: () => void;
    const writeStarted = new Promise<void>((resolve) => (writing = resolve));
    let interrogated!: () => void;
    const interrogationDone = new Promise<void>((resolve) => (interrogated = resolve));
    link.program = async (w) => {
      writing();
      await interrogationDone;
      return write(w);
    };
    const [programmed, read] = await Promise.all([
      f.call('program:apply', { settings: preview.settings, reviewed: preview.reviewed }),
      writeStarted.then(() => f.call('pump:interrogate')).finally(() => interrogated()),
    ]);
    expect(read).toMatchObject({ ok: true, value: { status: { rate: { value: '0.3' } } } });
    expect(programmed).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    const outcomes = f.runtime.db
      .prepare(`SELECT action, outcome FROM audit_log WHERE action LIKE 'pump.program%' ORDER BY seq`)
      .all();
    expect(outcomes).toEqual([
      { action: 'pump.program', outcome: 'pending' },
      { action: 'pump.program.outcome', outcome: 'confirmed' },
    ]);
    expect(f.runtime.db.prepare('SELECT outcome FROM programming_sessions').pluck().all()).toEqual(['confirmed']);
  });

  it('a session left open by a finished request is still settled by the next interrogation', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const preview = await f.value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '2.7',
    });
    const link = f.runtime.link;
    link.program = () =>
      Promise.resolve({ ok: false, error: { code: 'COMMUNICATION_FAILED', message: 'no acknowledgement' } });
    expect(await f.call('program:apply', { settings: preview.settings, reviewed: preview.reviewed })).toMatchObject({
      ok: true,
      value: { outcome: 'rejected' },
    });
    expect(await f.call('pump:interrogate')).toMatchObject({ ok: true });
    expect(f.runtime.db.prepare('SELECT outcome FROM programming_sessions').pluck().all()).toEqual(['rejected']);
  });

  it('a stop sent with a rate is recorded and sent with the rate 0', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const preview = await f.value<{ settings: PumpSettings; reviewed: unknown }>('program:preview', {
      mode: 'stopped',
      dailyDose: '0',
    });
    const settings = { ...preview.settings, mode: 'stopped', rate: { value: '0.3', unit: 'mL/day' } };
    const applied = await f.call('program:apply', {
      settings,
      reviewed: preview.reviewed,
      acknowledgement: 'stopped before surgery, agreed with the team',
    });
    expect(applied, JSON.stringify(applied)).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    const intent = JSON.parse(
      f.runtime.db.prepare(`SELECT new_json FROM audit_log WHERE action = 'pump.program'`).pluck().get() as string,
    ) as { mode: string; rate: { value: string } };
    expect(intent).toMatchObject({ mode: 'stopped', rate: { value: '0' } });
    const sent = JSON.parse(
      f.runtime.db.prepare('SELECT intent_json FROM programming_sessions').pluck().get() as string,
    ) as { settings: { rate: { value: string } } };
    expect(sent.settings.rate.value).toBe('0');
  });
});

describe('closing on a full disk', () => {
  it('does not throw, and closes the database', async () => {
    const { dir, cleanup } = tempDir();
    try {
      class FullKeyFolder extends FileKeyStore {
        override writeHead(): void {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
      }
      const logged: unknown[] = [];
      const runtime = await openRuntime({
        host: 'web',
        databasePath: join(dir, 'db.sqlite'),
        simulator: true,
        keys: new FullKeyFolder(join(dir, 'keys')),
        log: (e) => logged.push(e),
      });
      runtime.audit.append({
        atUtc: new Date().toISOString(),
        actor: 'nurse.wang',
        action: 'pump.interrogate',
        outcome: 'confirmed',
      });
      await expect(runtime.close()).resolves.toBeUndefined();
      expect(runtime.db.open).toBe(false);
      expect(String(logged[0])).toContain('ENOSPC');
      await expect(runtime.close()).resolves.toBeUndefined(); // a second close is harmless
    } finally {
      cleanup();
    }
  });
});
