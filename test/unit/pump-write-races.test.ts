import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import type { PumpSettings, PumpStatus } from '../../core/pump';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { Database, openDatabase, type Db } from '../../db/connection';
import { confirmedPrograms } from '../../db/queries/sessions';
import { decodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage } from '../../drivers/protocol/messages';
import { trainingLink } from '../../drivers/simulator/training';
import type { SignedInUser } from '../../services/auth/accounts';
import { deliverBolus } from '../../services/bolus';
import { askAboutOpenSessions, resolveUnconfirmed, settleOpenSessions } from '../../services/open-sessions';
import { interrogate } from '../../services/interrogation';
import { setPumpClock } from '../../services/pump-maintenance';
import { programPump } from '../../services/programming';
import { reviewedOf, type ProgrammingDeps } from '../../services/programming-request';
import { judge } from '../../services/safe-write';
import { manualClock, tempDir } from './helpers';

// Requests that change the pump, sent at once, and pumps read back in the states that decide an
// outcome: over the real wand driver and protocol bytes (the simulated wand behind an in-memory
// USB device) and a SQLite file on disk.

const doctor: SignedInUser = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' };
const second: SignedInUser = { id: 3, username: 'dr.chen', displayName: 'Dr Chen', role: 'physician' };
const flex: PumpSettings = {
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'flex',
  rate: { value: '0.3', unit: 'mL/day' },
  steps: [
    { start: '00:00', rate: { value: '0.2', unit: 'mL/day' } },
    { start: '12:00', rate: { value: '0.4', unit: 'mL/day' } },
  ],
};
const lower: PumpSettings = { ...flex, mode: 'continuous', rate: { value: '0.27', unit: 'mL/day' }, steps: undefined };

let dir: string;
let cleanup: () => void;
let path: string;
let db: Db;
let deps: ProgrammingDeps;
let training: ReturnType<typeof trainingLink>;
let clock: ReturnType<typeof manualClock>;
/** The type of every request the wand received, in order. */
let requests: string[];

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  path = join(dir, 'races.sqlite');
  db = openDatabase(path);
  clock = manualClock();
  training = trainingLink({ clock: clock.now });
  requests = [];
  const handle = training.wand.handle.bind(training.wand);
  training.wand.handle = (bytes: Uint8Array) => {
    const frame = decodeFrame(bytes);
    const decoded = frame.ok ? decodeMessage(frame.frame.type, frame.frame.payload) : undefined;
    requests.push(decoded?.ok === true ? decoded.message.type : 'undecoded');
    return handle(bytes);
  };
  deps = {
    db,
    audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))),
    link: training.link,
    library: defaultLibrary,
    now: clock.now,
  };
});
afterEach(async () => {
  await training.link.close();
  db.close();
  cleanup();
});

const count = (type: string) => requests.filter((r) => r === type).length;
const sessions = () => db.prepare('SELECT outcome FROM programming_sessions ORDER BY id').pluck().all();
/** The pump's clock ten minutes slow: a flex program sets it first (its own exchange with the wand). */
const slowClock = () => training.pump.setClock(new Date(clock.now().getTime() - 600_000), 0);

describe('requests that change the pump, sent at once', () => {
  it('two flex programs reviewed on the same reading: one is sent, the other is refused as the pump changed since', async () => {
    slowClock();
    const status = await training.link.interrogate();
    if (!status.ok) throw new Error(status.error.message);
    const reviewed = reviewedOf(status.value);
    const write = () => programPump(deps, { actor: doctor, witness: second, settings: flex, reviewed });
    const results = await Promise.all([write(), write()]);
    expect(results.filter((r) => r.ok && r.value.outcome === 'confirmed')).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error.code === 'CONFLICT')).toHaveLength(1);
    expect(count('COMMIT')).toBe(1);
    expect(sessions()).toEqual(['confirmed']);
  });

  it('a program and a clinician bolus at once: one after the other, the second reading what the first did', async () => {
    const results = await Promise.all([
      programPump(deps, { actor: doctor, witness: second, settings: lower }),
      deliverBolus(deps, {
        actor: doctor,
        witness: second,
        bolus: { kind: 'single', dose: '0.3', durationMinutes: 10 },
      }),
      setPumpClock(deps, doctor),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(sessions()).toEqual(['confirmed', 'confirmed']);
    // Never two exchanges that change the pump interleaved: each write is read back before the next begins.
    const changes = requests.filter((r) => ['COMMIT', 'START_BOLUS', 'SET_CLOCK', 'READ_STATUS'].includes(r));
    for (const [i, r] of changes.entries()) {
      if (r !== 'READ_STATUS') expect(changes[i + 1], changes.join(' ')).toBe('READ_STATUS');
    }
  });

  it('another process opening a session on the pump while this write sets the clock: refused, nothing sent', async () => {
    slowClock();
    const other = new Database(path);
    const setClock = training.link.setClock.bind(training.link);
    training.link.setClock = async (c) => {
      const r = await setClock(c);
      // As another programmer process on this database would, between this write's read and its intent.
      other
        .prepare(
          `INSERT INTO programming_sessions (session_uuid, pump_serial, started_at, actor, intent_json, intent_audit_seq)
           VALUES (?, ?, ?, 'dr.wu', '{}', 1)`,
        )
        .run(randomUUID(), training.pump.status().serial, clock.now().toISOString());
      return r;
    };
    try {
      const r = await programPump(deps, { actor: doctor, witness: second, settings: flex });
      expect(r).toMatchObject({ ok: false, error: { code: 'PROGRAMMING_BLOCKED' } });
      expect(count('BEGIN_TX') + count('COMMIT')).toBe(0);
      expect(db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'pump.program'`).pluck().get()).toBe(0);
    } finally {
      other.close();
    }
  });
});

/** A program write left UNCONFIRMED: the wand pulled out as the pump commits it. */
async function unconfirmedWrite(): Promise<void> {
  training.device.armOnMessage('COMMIT', { kind: 'unplug-after-request' });
  expect(await programPump(deps, { actor: doctor, witness: second, settings: lower })).toMatchObject({
    ok: true,
    value: { outcome: 'unconfirmed' },
  });
  training.device.replug();
}

describe('the pump clock before a flex program', () => {
  it('a clock the pump does not take (still ten minutes off after the set): an error, and the flex program is not sent', async () => {
    slowClock();
    // The wand acknowledges SET_CLOCK but the pump keeps its time.
    training.link.setClock = () => Promise.resolve({ ok: true, value: null });
    const r = await programPump(deps, { actor: doctor, witness: second, settings: flex });
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field: 'clock' } });
    expect(count('BEGIN_TX') + count('COMMIT')).toBe(0);
    const direct = await setPumpClock(deps, doctor);
    expect(direct).toMatchObject({ ok: false, error: { key: 'clockDriftAfterSet' } });
  });

  it('the wand’s answer lost after the pump took the time: confirmed by the read-back, the flex program goes on', async () => {
    slowClock();
    const setClock = training.link.setClock.bind(training.link);
    training.link.setClock = async (c) => {
      await setClock(c);
      return { ok: false, error: { code: 'COMMUNICATION_FAILED', message: 'no answer from the wand' } };
    };
    const r = await programPump(deps, { actor: doctor, witness: second, settings: flex });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(db.prepare(`SELECT outcome FROM audit_log WHERE action = 'pump.clock.set.outcome'`).pluck().all()).toEqual([
      'confirmed',
    ]);
  });

  it('an open session blocks setting the clock: nothing is sent until the pump is read again', async () => {
    await unconfirmedWrite();
    expect(await setPumpClock(deps, doctor)).toMatchObject({ ok: false, error: { code: 'PROGRAMMING_BLOCKED' } });
    expect(count('SET_CLOCK')).toBe(0);
  });
});

describe('what a read says the pump did with a write', () => {
  const settle = (status: PumpStatus) => settleOpenSessions(deps, status, { username: 'dr.li', role: 'physician' });

  it('applied, then stopped by the pump itself: confirmed, counted in the history, with what changed since', async () => {
    await unconfirmedWrite();
    training.pump.stallMotor();
    expect(settle(training.pump.status()).map((r) => r.outcome)).toEqual(['confirmed']);
    expect(confirmedPrograms(db, training.pump.status().serial, '2000-01-01')).toHaveLength(1);
    const detail = JSON.parse(
      db
        .prepare(`SELECT new_json FROM audit_log WHERE action = 'pump.program.resolve.outcome'`)
        .pluck()
        .get() as string,
    ) as { applied: boolean; changedSince?: string[] };
    expect(detail.applied).toBe(true);
    expect(detail.changedSince?.join(' ')).toMatch(/rate/);
  });

  it('the pump naming another programmer’s later transaction: not known, so the session stays open and blocks', async () => {
    await unconfirmedWrite();
    const foreign = { ...training.pump.status(), lastTransactionId: randomUUID() };
    expect(settle(foreign)).toEqual([]);
    expect(sessions()).toEqual(['unconfirmed']);
  });

  it('asked when its status cannot tell: the pump applied it (in its replay window) — confirmed, nothing changed', async () => {
    await unconfirmedWrite();
    // Another programmer's write since: the pump names that one as its last.
    training.pump.apply(randomUUID(), { ...lower, rate: { value: '0.25', unit: 'mL/day' } });
    const before = training.pump.status();
    const r = await resolveUnconfirmed(deps, doctor);
    expect(r).toMatchObject({ ok: true, value: [{ outcome: 'confirmed' }] });
    expect(requests.filter((t) => t === 'COMMIT')).toHaveLength(2); // the write's, and the question
    expect(training.pump.status()).toMatchObject({ lastTransactionId: before.lastTransactionId, rate: before.rate });
    const detail = JSON.parse(
      db
        .prepare(`SELECT new_json FROM audit_log WHERE action = 'pump.program.resolve.outcome'`)
        .pluck()
        .get() as string,
    ) as { applied: boolean; askedPump?: boolean };
    expect(detail).toMatchObject({ applied: true, askedPump: true });
    expect(confirmedPrograms(db, before.serial, '2000-01-01')).toHaveLength(1);
  });

  it('asked when its status cannot tell: a write the pump never applied — rejected, and the pump is free again', async () => {
    training.device.armOnMessage('COMMIT', { kind: 'unplug-before-request' });
    const r = await programPump(deps, { actor: doctor, witness: second, settings: lower });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'unconfirmed' } });
    training.device.replug();
    training.pump.apply(randomUUID(), { ...lower, rate: { value: '0.25', unit: 'mL/day' } });
    const read = await interrogate({ ...deps, actor: 'nurse.wang', role: 'nurse' });
    expect(read.ok).toBe(true);
    expect(sessions()).toEqual(['rejected']);
    expect(await programPump(deps, { actor: doctor, witness: second, settings: lower })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
  });

  it('asked through a wand that now finds another pump: no answer, the session stays open', async () => {
    await unconfirmedWrite();
    const status = { ...training.pump.status(), lastTransactionId: randomUUID() };
    const asked = await askAboutOpenSessions(deps, { ...status, serial: 'OTHER01' }, { username: 'x', role: null });
    expect(asked).toMatchObject({ ok: true, value: [] }); // no open session of that pump
    training.pump.apply(randomUUID(), lower);
    const answer = await training.link.wasApplied(randomUUID(), 'OTHER01');
    expect(answer).toMatchObject({ ok: false, error: { key: 'probeOtherPump' } });
    expect(sessions()).toEqual(['unconfirmed']);
  });

  it('the pump still naming the transaction it named before the write: rejected', async () => {
    training.device.armOnMessage('COMMIT', { kind: 'unplug-before-request' });
    const before = training.pump.status().lastTransactionId;
    const r = await programPump(deps, { actor: doctor, witness: second, settings: lower });
    expect(r.ok && r.value.outcome).not.toBe('confirmed');
    training.device.replug();
    expect(training.pump.status().lastTransactionId).toBe(before);
    settle(training.pump.status());
    expect(sessions()).toEqual(['rejected']);
  });

  describe('judged at read-back', () => {
    const intent = { sessionId: 's', transactionId: 'tx-new', settings: lower };
    const old = (): PumpStatus => ({ ...training.pump.status(), lastTransactionId: 'tx-old' });
    const read = (over: Partial<PumpStatus>) => ({ ok: true as const, value: { ...old(), ...over } });
    const failed = { ok: false as const, error: { code: 'COMMUNICATION_FAILED' as const, message: 'no answer' } };
    const sentOk = { ok: true as const, value: { applied: true } };

    it('another pump answering the read-back is UNCONFIRMED, whatever it reports', () => {
      const j = judge(intent, old(), failed, read({ serial: 'OTHER01', lastTransactionId: 'tx-old' }));
      expect(j.outcome).toBe('unconfirmed');
      expect(j.mismatches[0]?.key).toBe('readBackOtherPump');
    });
    it('a failed send is rejected only when the pump still names its transaction from before', () => {
      expect(judge(intent, old(), failed, read({})).outcome).toBe('rejected');
      expect(judge(intent, old(), failed, read({ lastTransactionId: 'tx-third' })).outcome).toBe('unconfirmed');
      expect(judge(intent, old(), failed, read({ lastTransactionId: null })).outcome).toBe('unconfirmed');
    });
    it('an acknowledged send the pump does not name is UNCONFIRMED', () => {
      expect(judge(intent, old(), sentOk, read({})).outcome).toBe('unconfirmed');
    });
  });
});
