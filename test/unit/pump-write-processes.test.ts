import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import type { PumpSettings } from '../../core/pump';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { openDatabase, type Db } from '../../db/connection';
import { confirmedPrograms } from '../../db/queries/sessions';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { trainingLink } from '../../drivers/simulator/training';
import { resolveUnconfirmed, settleOpenSessions } from '../../services/open-sessions';
import { programPump } from '../../services/programming';
import type { ProgrammingDeps } from '../../services/programming-request';
import { manualClock, tempDir } from './helpers';
import { doctor, lower, second } from './pump-write-setup';

// Two programmer processes on one database, each with its own wand over the same pump. The second
// process is this test's second copy of the services (fresh modules: its own pump locks and its
// own record of the writes it is making), with its own connection to the SQLite file.

const higher: PumpSettings = { ...lower, rate: { value: '0.33', unit: 'mL/day' } };

let dir: string;
let cleanup: () => void;
let dbA: Db;
let dbB: Db;
let depsA: ProgrammingDeps;
let depsB: ProgrammingDeps;
let pump: SimulatedPump;
let a: ReturnType<typeof trainingLink>;
let b: ReturnType<typeof trainingLink>;
let clock: ReturnType<typeof manualClock>;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  const path = join(dir, 'shared.sqlite');
  clock = manualClock();
  pump = new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now);
  a = trainingLink({ clock: clock.now, pump });
  b = trainingLink({ clock: clock.now, pump });
  dbA = openDatabase(path);
  dbB = openDatabase(path);
  const keys = join(dir, 'keys');
  depsA = {
    db: dbA,
    audit: new AuditLog(dbA, new FileKeyStore(keys)),
    link: a.link,
    library: defaultLibrary,
    now: clock.now,
  };
  depsB = {
    db: dbB,
    audit: new AuditLog(dbB, new FileKeyStore(keys)),
    link: b.link,
    library: defaultLibrary,
    now: clock.now,
  };
});
afterEach(async () => {
  await a.link.close();
  await b.link.close();
  dbA.close();
  dbB.close();
  cleanup();
});

/** The services as a second process loads them. */
async function otherProcess() {
  vi.resetModules();
  return {
    interrogation: await import('../../services/interrogation'),
    programming: await import('../../services/programming'),
  };
}
const outcomes = () => dbA.prepare('SELECT outcome FROM programming_sessions ORDER BY id').pluck().all();

describe('two programmer processes on one database', () => {
  it('the other reading the pump while this write is in flight neither records it "rejected" nor writes itself', async () => {
    const B = await otherProcess();
    const send = a.link.program.bind(a.link);
    let read: unknown;
    let written: unknown;
    a.link.program = async (w) => {
      read = await B.interrogation.interrogate({ ...depsB, actor: 'nurse.wang', role: 'nurse' });
      written = await B.programming.programPump(depsB, { actor: second, witness: doctor, settings: higher });
      return send(w);
    };
    expect(await programPump(depsA, { actor: doctor, witness: second, settings: lower })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    expect(read).toMatchObject({ ok: true });
    expect(written).toMatchObject({ ok: false, error: { code: 'PROGRAMMING_BLOCKED' } });
    expect(outcomes()).toEqual(['confirmed']);
    expect(pump.status().rate.value).toBe('0.27');
  });

  it('a write decided on a reading the other process has since changed the pump from is refused, not sent', async () => {
    const B = await otherProcess();
    const read = b.link.interrogate.bind(b.link);
    let reads = 0;
    b.link.interrogate = async () => {
      const r = await read();
      reads += 1;
      // Between B's read and its intent, A writes the pump and settles.
      if (reads === 1)
        expect(await programPump(depsA, { actor: doctor, witness: second, settings: lower })).toMatchObject({
          ok: true,
          value: { outcome: 'confirmed' },
        });
      return r;
    };
    const r = await B.programming.programPump(depsB, { actor: second, witness: doctor, settings: higher });
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(pump.status().rate.value).toBe('0.27');
    expect(outcomes()).toEqual(['confirmed']);
  });

  it('a write held up past its lease after its intent, settled meanwhile by the other process: nothing is sent', async () => {
    const B = await otherProcess();
    // B's intent is on disk; B is then held up (a machine asleep) for three minutes before it
    // sends, and meanwhile A reads the pump (the settling is the synchronous part of a reading).
    const checkpoint = depsB.audit.checkpointIfDue.bind(depsB.audit);
    depsB.audit.checkpointIfDue = () => {
      clock.advanceMinutes(3);
      settleOpenSessions(depsA, pump.status(), { username: 'nurse.wang', role: 'nurse' });
      return checkpoint();
    };
    const sent = b.link.program.bind(b.link);
    let bSent = 0;
    b.link.program = (w) => {
      bSent += 1;
      return sent(w);
    };
    const r = await B.programming.programPump(depsB, { actor: second, witness: doctor, settings: higher });
    expect(r).toMatchObject({ ok: false, error: { code: 'PROGRAMMING_BLOCKED', key: 'sessionSettledElsewhere' } });
    expect(bSent).toBe(0);
    expect(outcomes()).toEqual(['rejected']);
    // A writes the pump on its own reading.
    expect(await programPump(depsA, { actor: doctor, witness: second, settings: lower })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    expect(pump.status().rate.value).toBe('0.27');
  });

  it('a session made by the other process on another pump does not refuse this write', async () => {
    const B = await otherProcess();
    const other = new SimulatedPump({ ...defaultSimulatedPump(clock.now()), serial: 'SIM000999' }, clock.now);
    const c = trainingLink({ clock: clock.now, pump: other });
    try {
      const read = a.link.interrogate.bind(a.link);
      let reads = 0;
      a.link.interrogate = async () => {
        const r = await read();
        reads += 1;
        if (reads === 1)
          expect(
            await B.programming.programPump(
              { ...depsB, link: c.link },
              { actor: second, witness: doctor, settings: higher },
            ),
          ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
        return r;
      };
      expect(await programPump(depsA, { actor: doctor, witness: second, settings: lower })).toMatchObject({
        ok: true,
        value: { outcome: 'confirmed' },
      });
    } finally {
      await c.link.close();
    }
  });

  it('a pending session left by a process that stopped is settled once its write cannot still be in flight', async () => {
    // A process recorded its intent and stopped before sending (the pump still names nothing new).
    a.device.armOnMessage('BEGIN_TX', { kind: 'unplug-before-request' });
    const abandoned = await programPump(depsA, { actor: doctor, witness: second, settings: lower });
    expect(abandoned.ok).toBe(true);
    dbA.prepare(`UPDATE programming_sessions SET outcome = 'pending'`).run();
    const who = { username: 'nurse.wang', role: 'nurse' };
    expect(settleOpenSessions(depsB, pump.status(), who)).toEqual([]);
    clock.advanceMinutes(3);
    expect(settleOpenSessions(depsB, pump.status(), who).map((s) => s.outcome)).toEqual(['rejected']);
  });

  it('a pending session stamped in the future (a writer whose clock ran ahead) does not hold the pump', async () => {
    a.device.armOnMessage('BEGIN_TX', { kind: 'unplug-before-request' });
    expect((await programPump(depsA, { actor: doctor, witness: second, settings: lower })).ok).toBe(true);
    dbA
      .prepare(`UPDATE programming_sessions SET outcome = 'pending', started_at = ?`)
      .run(new Date(clock.now().getTime() + 86_400_000).toISOString());
    const who = { username: 'nurse.wang', role: 'nurse' };
    expect(settleOpenSessions(depsB, pump.status(), who).map((s) => s.outcome)).toEqual(['rejected']);
  });
});

describe('a session recorded before the transaction from before the write was kept with it', () => {
  it('applied, then overwritten by another programmer: asked, not assumed rejected; it stays in the history', async () => {
    a.device.armOnMessage('COMMIT', { kind: 'unplug-after-request' });
    expect(await programPump(depsA, { actor: doctor, witness: second, settings: lower })).toMatchObject({
      ok: true,
      value: { outcome: 'unconfirmed' },
    });
    a.device.replug();
    dbA.exec(`UPDATE programming_sessions SET intent_json = json_remove(intent_json, '$.previousTransactionId')`);
    pump.apply(randomUUID(), { ...lower, rate: { value: '0.24', unit: 'mL/day' } });
    expect(settleOpenSessions(depsA, pump.status(), { username: 'dr.li', role: 'physician' })).toEqual([]);
    expect(await resolveUnconfirmed(depsA, doctor)).toMatchObject({ ok: true, value: [{ outcome: 'confirmed' }] });
    expect(confirmedPrograms(dbA, pump.status().serial, '2000-01-01')).toHaveLength(1);
  });
});
