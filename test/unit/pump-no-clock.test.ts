// W14 (docs/wand-protocol.md, "A pump without a clock"): a pump whose clock was never set or was
// lost reports STATUS time 0, raises CLOCK_LOST, runs a flex program at the schedule's mean rate and
// takes no new flex program until SET_CLOCK; the host reads time 0 as no clock (null, never the
// date 2000-01-01), warns, and sets the clock before a flex program (or sends none).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import type { PumpSettings } from '../../core/pump';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { openDatabase, type Db } from '../../db/connection';
import { setSetting } from '../../db/queries/users';
import { fromWireStatus, toWireSettings, toWireStatus, uuidToBytes, wireTime } from '../../drivers/protocol/convert';
import { ALARM_CODES, decodeMessage, encodeMessage } from '../../drivers/protocol/messages';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { trainingLink } from '../../drivers/simulator/training';
import { SimulatedWand } from '../../drivers/simulator/wand';
import type { SignedInUser } from '../../services/auth/accounts';
import { interrogate as interrogatePump } from '../../services/interrogation';
import { programPump } from '../../services/programming';
import { setPumpClock } from '../../services/pump-maintenance';
import { SimulatorLink } from '../support/simulator-link';
import { manualClock, tempDir } from './helpers';
import { wandSession } from './wand-usb-rig';

const ml = (value: string) => ({ value, unit: 'mL/day' as const });
/** Morphine 10 mg/mL, 0.1 mL/day from 00:00 and 0.5 mL/day from 12:00: a mean of 0.3 mL/day. */
const FLEX: PumpSettings = {
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'flex',
  rate: ml('0.1'),
  steps: [
    { start: '00:00', rate: ml('0.1') },
    { start: '12:00', rate: ml('0.5') },
  ],
};

/** A pump running FLEX with a full 20 mL reservoir at 08:00 UTC (offset 0: local 08:00), the clock exact. */
function flexPump() {
  const clock = manualClock(new Date('2026-03-01T08:00:00Z'));
  const pump = new SimulatedPump(
    {
      ...defaultSimulatedPump(clock.now()),
      settings: FLEX,
      volumeMl: '20',
      volumeAt: clock.now(),
      clockOffsetMs: 0,
    },
    clock.now,
  );
  return { clock, pump };
}

describe('the codec: time 0 is no clock', () => {
  it('a STATUS with time 0 and an alarm since 0 decodes as null, not 2000-01-01, and encodes back to the same bytes', () => {
    const { pump } = flexPump();
    pump.loseClock();
    const w = toWireStatus(pump.status(), pump.settings);
    if (!w.ok) throw new Error(w.error.message);
    expect(w.value.pumpTime).toBe(0);
    expect(w.value.alarms).toContainEqual({ code: ALARM_CODES.indexOf('CLOCK_LOST'), since: 0 });
    expect(ALARM_CODES.indexOf('CLOCK_LOST')).toBe(6);
    const { type, payload } = encodeMessage({ type: 'STATUS', status: w.value });
    const decoded = decodeMessage(type, payload);
    if (!decoded.ok || decoded.message.type !== 'STATUS') throw new Error('no STATUS');
    const status = fromWireStatus(decoded.message.status);
    expect(status).toMatchObject({
      ok: true,
      value: { pumpTime: null, alarms: [{ code: 'CLOCK_LOST', since: null }] },
    });
    if (!status.ok) return;
    const again = toWireStatus(status.value, pump.settings);
    if (!again.ok) throw new Error(again.error.message);
    expect(encodeMessage({ type: 'STATUS', status: again.value }).payload).toEqual(payload);
  });

  it('a time with a clock is still a date; 2000-01-01T00:00:00Z itself is never sent as a time', () => {
    expect(wireTime(new Date('2000-01-01T00:00:00Z'))).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE' } });
    expect(wireTime(new Date('2000-01-01T00:00:01Z'))).toEqual({ ok: true, value: 1 });
    const { pump } = flexPump();
    const w = toWireStatus(pump.status(), pump.settings);
    if (!w.ok) throw new Error(w.error.message);
    expect(fromWireStatus(w.value)).toMatchObject({ ok: true, value: { pumpTime: '2026-03-01T08:00:00.000Z' } });
  });
});

describe('the reference pump without a clock', () => {
  it('reports time 0 and CLOCK_LOST, runs flex at the mean rate, refuses a flex program and time 0; SET_CLOCK restores', () => {
    const { clock, pump } = flexPump();
    const send = wandSession(new SimulatedWand(pump));
    pump.loseClock();
    const status = send({ type: 'READ_STATUS' });
    if (status.type !== 'STATUS') throw new Error(status.type);
    expect(status.status.pumpTime).toBe(0);
    expect(status.status.alarms).toEqual([{ code: 6, since: 0 }]);
    // The rate field carries the rate delivered: the schedule's mean, not the 08:00 step's 0.1.
    expect(status.status.rateUlPerDay).toBe(300);
    // Six hours (08:00 to 14:00 by the lost clock) at the mean rate: 0.075 mL, not the schedule's 0.0583.
    clock.advanceMinutes(360);
    expect(pump.status().reservoirVolume.value).toBe('19.925');
    // A new flex program needs the clock: refused at STAGE_PROGRAM, nothing changed.
    const tx = uuidToBytes('00112233-4455-6677-8899-aabbccddeeff');
    send({ type: 'BEGIN_TX', txId: tx });
    const settings = toWireSettings(FLEX);
    if (!settings.ok) throw new Error(settings.error.message);
    expect(
      send({ type: 'STAGE_PROGRAM', txId: tx, settings: settings.value, reservoirUl: null, bridge: null }),
    ).toMatchObject({ type: 'ERROR', code: 5 });
    // Time 0 cannot set a clock.
    expect(send({ type: 'SET_CLOCK', time: 0, utcOffsetMinutes: 0 })).toMatchObject({ type: 'ERROR', code: 5 });
    expect(pump.hasClock).toBe(false);
    // An event logged without a clock carries time 0.
    send({ type: 'ALARM_TEST' });
    const events = send({ type: 'READ_EVENTS', page: 0 });
    expect(events.type === 'EVENTS' && events.events.at(-1)?.time).toBe(0);
    // SET_CLOCK at 14:00 sets it and clears the alarm; flex runs by its steps again (0.5 from 12:00).
    const now = wireTime(clock.now());
    if (!now.ok) throw new Error(now.error.message);
    expect(send({ type: 'SET_CLOCK', time: now.value, utcOffsetMinutes: 0 })).toMatchObject({ type: 'CLOCK_SET' });
    const after = send({ type: 'READ_STATUS' });
    if (after.type !== 'STATUS') throw new Error(after.type);
    expect(after.status.pumpTime).toBe(now.value);
    expect(after.status.alarms).toEqual([]);
    expect(after.status.rateUlPerDay).toBe(500);
    expect(pump.events.at(-1)?.detail).toBe('from no clock; offset now UTC+00:00');
    clock.advanceMinutes(360);
    expect(pump.status().reservoirVolume.value).toBe('19.8');
    // And the flex program the pump refused before is taken now.
    send({ type: 'BEGIN_TX', txId: tx });
    expect(
      send({ type: 'STAGE_PROGRAM', txId: tx, settings: settings.value, reservoirUl: null, bridge: null }),
    ).toMatchObject({ type: 'STAGED' });
  });

  it('a pump whose clock was never set (clockLost in its state) reports no clock from the start', () => {
    const clock = manualClock();
    const pump = new SimulatedPump({ ...defaultSimulatedPump(clock.now()), clockLost: true }, clock.now);
    expect(pump.status()).toMatchObject({ pumpTime: null, alarms: [{ code: 'CLOCK_LOST', since: null }] });
  });
});

describe('the host with a pump without a clock', () => {
  let dir: string;
  let cleanup: () => void;
  let db: Db;
  let audit: AuditLog;
  const doctor: SignedInUser = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' };
  const nurse: SignedInUser = { id: 3, username: 'nurse.wang', displayName: 'Wang', role: 'nurse' };

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    db = openDatabase(join(dir, 'c.sqlite'));
    audit = new AuditLog(db, new FileKeyStore(join(dir, 'keys')));
    setSetting(db, 'timeZone', 'Asia/Shanghai');
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  it('interrogation shows no clock (null drift, PUMP_CLOCK_LOST), and setting the clock restores it', async () => {
    const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
    const { link, pump } = trainingLink({ clock: clock.now });
    pump.loseClock();
    const deps = { db, audit, link, now: clock.now, actor: nurse.username, role: nurse.role };
    const read = await interrogatePump(deps);
    expect(read).toMatchObject({
      ok: true,
      value: {
        status: { pumpTime: null, alarms: [{ code: 'CLOCK_LOST', since: null }] },
        clockDriftSeconds: null,
      },
    });
    // Its offset (0, never set) is not the clinic's either: both are warned of.
    expect(read.ok && read.value.clockWarnings?.map((w) => w.code)).toEqual(['PUMP_CLOCK_LOST', 'PUMP_OFFSET_DIFFERS']);
    expect(read.ok && read.value.clockWarnings?.[0]).toEqual({
      code: 'PUMP_CLOCK_LOST',
      params: { timeZone: 'Asia/Shanghai' },
    });
    expect(await setPumpClock({ db, audit, link, now: clock.now }, nurse)).toEqual({
      ok: true,
      value: { driftBefore: null, driftAfter: 0 },
    });
    expect(pump.status()).toMatchObject({ pumpTime: '2026-03-01T09:00:00.000Z', alarms: [], utcOffsetMinutes: 480 });
    const again = await interrogatePump(deps);
    expect(again.ok && again.value.clockWarnings?.map((w) => w.code)).toEqual([]);
  });

  it('a clock set that never reached such a pump is recorded rejected: it still has no clock', async () => {
    const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
    const { link, pump, device } = trainingLink({ clock: clock.now });
    pump.loseClock();
    // The wand comes off just before SET_CLOCK reaches it and is plugged in again at once.
    device.armOnMessage('SET_CLOCK', { kind: 'unplug-before-request' });
    device.onUnplug = () => device.replug();
    const r = await setPumpClock({ db, audit, link, now: clock.now }, nurse);
    expect(r.ok).toBe(false);
    expect(pump.hasClock).toBe(false);
    const rows = db
      .prepare(`SELECT action, outcome FROM audit_log WHERE action LIKE 'pump.clock.set%' ORDER BY seq`)
      .all();
    expect(rows).toEqual([
      { action: 'pump.clock.set', outcome: 'pending' },
      { action: 'pump.clock.set.outcome', outcome: 'rejected' },
    ]);
  });

  it('a flex program to such a pump: the clock is set first, then the program is sent and confirmed', async () => {
    const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
    const { link, pump, device } = trainingLink({ clock: clock.now });
    pump.loseClock();
    const r = await programPump(
      { db, audit, link, library: defaultLibrary, now: clock.now },
      { actor: doctor, witness: nurse, settings: FLEX },
    );
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(pump.hasClock).toBe(true);
    expect(pump.settings.steps).toEqual(FLEX.steps);
    const actions = db.prepare('SELECT action, outcome FROM audit_log ORDER BY seq').all();
    expect(actions).toEqual(
      expect.arrayContaining([
        { action: 'pump.clock.set.outcome', outcome: 'confirmed' },
        { action: 'pump.program.outcome', outcome: 'confirmed' },
      ]),
    );
    expect(device.requests).toBeGreaterThan(0);
  });

  it('a flex program to such a pump over a link that cannot set the clock is refused, nothing sent', async () => {
    const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
    const link = new SimulatorLink({ clock: clock.now });
    link.pump.loseClock();
    const r = await programPump(
      { db, audit, link, library: defaultLibrary, now: clock.now },
      { actor: doctor, witness: nurse, settings: FLEX },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT', field: 'clock' } });
    expect(link.pump.settings.mode).toBe('continuous');
    expect(link.pump.lastTransactionId).toBeNull();
  });

  it('a continuous program to such a pump is sent without the clock (it runs on elapsed time)', async () => {
    const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
    const link = new SimulatorLink({ clock: clock.now });
    link.pump.loseClock();
    const r = await programPump(
      { db, audit, link, library: defaultLibrary, now: clock.now },
      { actor: doctor, witness: nurse, settings: { ...FLEX, mode: 'continuous', rate: ml('0.36'), steps: undefined } },
    );
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(link.pump.hasClock).toBe(false);
  });
});
