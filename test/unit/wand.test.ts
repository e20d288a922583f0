import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import type { PumpSettings } from '../../core/pump';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { trainingLink } from '../../drivers/simulator/training';
import type { LinkFault } from '../../drivers/simulator/usb-device';
import type { SignedInUser } from '../../services/auth/accounts';
import { programPump } from '../../services/programming';
import { resolveUnconfirmed } from '../../services/open-sessions';
import { manualClock, tempDir } from './helpers';

const doctor: SignedInUser = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' };
const morphine = (rate: string): PumpSettings => ({
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'continuous',
  rate: { value: rate, unit: 'mL/day' },
});

function setup(options: { timeoutMs?: number; retries?: number } = {}) {
  const clock = manualClock();
  const pump = new SimulatedPump(
    { ...defaultSimulatedPump(clock.now()), volumeMl: '20', volumeAt: clock.now() },
    clock.now,
  );
  return {
    clock,
    ...trainingLink({ pump, clock: clock.now, timeoutMs: options.timeoutMs ?? 40, retries: options.retries ?? 2 }),
  };
}

describe('the wand driver over the simulated USB wand', () => {
  it('interrogates through the protocol: the status is the pump’s, to the second', async () => {
    const { link, pump } = setup();
    const r = await link.interrogate();
    const direct = pump.status();
    expect(r).toMatchObject({
      ok: true,
      value: { ...direct, pumpTime: `${direct.pumpTime?.slice(0, 19) ?? ''}.000Z` },
    });
    expect(link.status).toMatchObject({ state: 'pump-found', pumpSerial: 'SIM000123' });
  });

  it('programs atomically: BEGIN, STAGE, COMMIT; a repeated COMMIT applies nothing', async () => {
    const { link, pump } = setup();
    const write = { sessionId: 'a', transactionId: '6f1c7c2e-8d1a-4c39-9a51-0f1f0d5e2b10', settings: morphine('0.36') };
    expect(await link.program(write)).toEqual({ ok: true, value: { applied: true } });
    expect(pump.status()).toMatchObject({ rate: { value: '0.36' }, lastTransactionId: write.transactionId });
    expect(await link.program(write)).toEqual({ ok: true, value: { applied: false } });
    expect(pump.events.filter((e) => e.code === 'PROGRAM_APPLIED')).toHaveLength(1);
  });

  it('refuses a value the wire cannot carry exactly instead of rounding it', async () => {
    const { link } = setup();
    const r = await link.program({
      sessionId: 'a',
      transactionId: '6f1c7c2e-8d1a-4c39-9a51-0f1f0d5e2b10',
      settings: morphine('0.3605'),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'rate' } });
  });

  it.each<[string, LinkFault]>([
    ['a dropped frame', { kind: 'drop-response' }],
    ['a corrupt CRC', { kind: 'corrupt-response' }],
    ['a reply later than the timeout', { kind: 'delay-response', ms: 120 }],
    ['stale input on the line', { kind: 'stale-input' }],
  ])('recovers from %s by retrying', async (_name, fault) => {
    const { link, device } = setup();
    device.inject(fault, 3); // the READ_STATUS after HELLO, FIND_PUMP, OPEN_SESSION
    const r = await link.interrogate();
    expect(r.ok).toBe(true);
    const again = await link.interrogate(); // late answers and junk are drained, not mistaken for this one
    expect(again.ok).toBe(true);
  });

  it('names the cause and the remedy: unplugged wand, pump out of range', async () => {
    const { link, device, wand } = setup();
    wand.pumpInRange = false;
    expect(await link.interrogate()).toMatchObject({
      ok: false,
      error: { code: 'PUMP_NOT_FOUND', message: expect.stringContaining('Hold the wand') as unknown },
    });
    wand.pumpInRange = true;
    device.unplug();
    expect(await link.interrogate()).toMatchObject({
      ok: false,
      error: { code: 'COMMUNICATION_FAILED', message: expect.stringContaining('unplugged') as unknown },
    });
    expect(link.status.state).toBe('disconnected');
  });

  it('sets the pump clock and runs the alarm test, both in the pump’s event log', async () => {
    const { link, pump } = setup();
    expect((await link.setClock({ time: new Date('2026-03-01T08:00:00Z'), utcOffsetMinutes: 480 })).ok).toBe(true);
    expect((await link.alarmTest()).ok).toBe(true);
    const events = await link.readEvents();
    expect(events).toMatchObject({ ok: true, value: [{ code: 'CLOCK_SET' }, { code: 'ALARM_TEST' }] });
    expect(pump.events.map((e) => e.code)).toEqual(['CLOCK_SET', 'ALARM_TEST']);
  });
});

// Each protocol step of one programming session, by request number on the wire.
const STEPS = [
  'HELLO',
  'FIND_PUMP',
  'OPEN_SESSION',
  'READ_STATUS (current)',
  'BEGIN_TX',
  'STAGE_PROGRAM',
  'COMMIT',
  'READ_STATUS (read-back)',
] as const;
const FAULTS: LinkFault[] = [
  { kind: 'drop-response' },
  { kind: 'corrupt-response' },
  { kind: 'delay-response', ms: 120 },
  { kind: 'unplug-before-request' },
  { kind: 'unplug-after-request' },
];

describe('fault matrix: every protocol step × every fault, through the programming service', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let keys: FileKeyStore;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'faults.sqlite'));
    keys = new FileKeyStore(join(dir, 'keys'));
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  const cases = STEPS.flatMap((step, index) => FAULTS.map((fault) => [step, fault.kind, index, fault] as const));
  it.each(cases)('%s × %s', async (_step, _kind, index, fault) => {
    const { link, device, pump, clock } = setup();
    const deps = { db, audit: new AuditLog(db, keys), link, library: defaultLibrary, now: clock.now };
    device.inject(fault, index);
    const r = await programPump(deps, { actor: doctor, settings: morphine('0.27') });
    const applied = () => pump.events.filter((e) => e.code === 'PROGRAM_APPLIED').length;
    expect(applied()).toBeLessThanOrEqual(1); // never programmed twice

    const sessions = () => db.prepare('SELECT outcome FROM programming_sessions').pluck().all() as string[];
    if (!r.ok) {
      // Failed before the intent: nothing was sent and nothing is pending.
      expect(r.error.code).toMatch(/COMMUNICATION_FAILED|PUMP_NOT_FOUND/);
      expect(applied()).toBe(0);
      expect(sessions()).toEqual([]);
    } else {
      expect(sessions()).toEqual([r.value.outcome]); // every outcome recorded
      if (r.value.outcome === 'confirmed') expect(applied()).toBe(1);
      if (r.value.outcome === 'rejected') expect(applied()).toBe(0);
    }
    if (sessions()[0] === 'unconfirmed') {
      device.unplugged = false; // the clinician plugs the wand back in
      const resolved = await resolveUnconfirmed(deps, doctor);
      expect(resolved).toMatchObject({ ok: true, value: [{ outcome: applied() === 1 ? 'confirmed' : 'rejected' }] });
      expect(sessions()).toEqual([applied() === 1 ? 'confirmed' : 'rejected']);
    }
    expect(applied()).toBeLessThanOrEqual(1);
    expect(verifyAudit(db, keys).ok).toBe(true);
  });
});

describe('therapy over the wire', () => {
  it('programs a flex schedule with patient bolus settings and reads it back', async () => {
    const { link, pump } = setup();
    const settings: PumpSettings = {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      mode: 'flex',
      rate: { value: '0.24', unit: 'mL/day' },
      steps: [
        { start: '00:00', rate: { value: '0.24', unit: 'mL/day' } },
        { start: '06:00', rate: { value: '0.48', unit: 'mL/day' } },
        { start: '18:00', rate: { value: '0.24', unit: 'mL/day' } },
      ],
      patientBolus: { volumeMl: '0.05', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
    };
    expect(
      await link.program({ sessionId: 's', transactionId: '0a1b2c3d-0000-4000-8000-000000000001', settings }),
    ).toEqual({ ok: true, value: { applied: true } });
    expect(pump.settings).toEqual(settings);
    const status = await link.interrogate();
    // The whole day's dose, not the step running now: (0.24×12 + 0.48×12)/24 × 10 = 3.6 mg/day.
    expect(status).toMatchObject({ ok: true, value: { mode: 'flex', dailyDose: { value: '3.6', unit: 'mg/day' } } });
    expect(pump.patientRequest()).toBe('granted');
  });

  it('starts a bridge bolus once per transaction id', async () => {
    const { link, pump } = setup();
    const bolus = {
      transactionId: '0a1b2c3d-0000-4000-8000-000000000002',
      kind: 'bridge' as const,
      volumeMl: '0.5',
      durationMinutes: 900,
    };
    expect(await link.startBolus(bolus)).toEqual({ ok: true, value: { applied: true } });
    expect(await link.startBolus(bolus)).toEqual({ ok: true, value: { applied: false } });
    expect(pump.events.filter((e) => e.code === 'BOLUS_STARTED')).toHaveLength(1);
    expect(await link.startBolus({ ...bolus, volumeMl: '0.0005' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('refuses a flex schedule with a gap before anything is sent', async () => {
    const { link, device } = setup();
    const before = device.requests;
    const r = await link.program({
      sessionId: 's',
      transactionId: '0a1b2c3d-0000-4000-8000-000000000003',
      settings: {
        drug: 'morphine',
        concentration: { value: '10', unit: 'mg/mL' },
        mode: 'flex',
        rate: { value: '0.2', unit: 'mL/day' },
        steps: [{ start: '01:00', rate: { value: '0.2', unit: 'mL/day' } }],
      },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'steps.0.start' } });
    expect(device.requests).toBe(before);
  });
});
