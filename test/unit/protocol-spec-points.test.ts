// Points of docs/wand-protocol.md that a wand's firmware must copy from the reference wand
// (drivers/simulator/wand.ts): the example frames, the order in which errors are checked, what a
// refusal leaves behind, what a replayed id does, and the events a COMMIT logs.
import { describe, expect, it } from 'vitest';
import { crc16 } from '../../drivers/protocol/crc';
import { decodeFrame, encodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage, type Message, type WireSettings } from '../../drivers/protocol/messages';
import { uuidToBytes } from '../../drivers/protocol/convert';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { MAX_EVENT_TEXT_BYTES, SimulatedWand, utf8Prefix } from '../../drivers/simulator/wand';
import { manualClock } from './helpers';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const TX = '00112233-4455-6677-8899-aabbccddeeff';
const TX2 = '10112233-4455-6677-8899-aabbccddeeff';
const SESSION = uuidToBytes('99999999-8888-7777-6666-555555555555');

/** Morphine 10 mg/mL, continuous 0.3 mL/day, no patient bolus. */
const CONTINUOUS: WireSettings = {
  drug: 0,
  massUnit: 0,
  concentrationNgPerMl: 10_000_000,
  mode: 1,
  rateUlPerDay: 300,
  steps: [],
  patientBolus: null,
};

const frameOf = (m: Message, seq = 5): Uint8Array => {
  const { type, payload } = encodeMessage(m);
  return encodeFrame({ seq, type, payload });
};

function rig() {
  const clock = manualClock();
  const pump = new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now);
  const wand = new SimulatedWand(pump);
  let seq = 0;
  /** Sends raw bytes; the answer as { seq, message }. */
  const raw = (bytes: Uint8Array) => {
    const frame = decodeFrame(wand.handle(bytes));
    if (!frame.ok) throw new Error(`the wand sent an unreadable frame: ${frame.error.kind}`);
    const m = decodeMessage(frame.frame.type, frame.frame.payload);
    if (!m.ok) throw new Error(`the wand sent an undecodable answer: ${m.error.kind}`);
    return { seq: frame.frame.seq, message: m.message };
  };
  const send = (m: Message) => raw(frameOf(m, (seq = (seq % 255) + 1))).message;
  const errorCode = (m: Message) => {
    const a = send(m);
    return a.type === 'ERROR' ? a.code : a.type;
  };
  type Stage = Extract<Message, { type: 'STAGE_PROGRAM' }>;
  const stage = (id: string, settings: WireSettings = CONTINUOUS, extra: Partial<Stage> = {}) =>
    send({ type: 'STAGE_PROGRAM', txId: uuidToBytes(id), settings, reservoirUl: null, bridge: null, ...extra });
  const open = () => {
    send({ type: 'HELLO', version: 2 });
    send({ type: 'OPEN_SESSION', sessionId: SESSION });
  };
  return { clock, pump, wand, raw, send, errorCode, stage, open };
}

describe('example frames (docs/wand-protocol.md, "Example frames")', () => {
  it('BEGIN_TX and a STAGE_PROGRAM with both flags 0 are exactly these bytes, CRC low byte first', () => {
    const txId = uuidToBytes(TX);
    const begin = frameOf({ type: 'BEGIN_TX', txId });
    expect(hex(begin)).toBe('a5 5a 01 10 00 05 20 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff a0 a7');
    const stage = frameOf({ type: 'STAGE_PROGRAM', txId, settings: CONTINUOUS, reservoirUl: null, bridge: null });
    expect(hex(stage)).toBe(
      'a5 5a 01 1f 00 05 21 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff ' +
        '00 00 80 96 98 00 01 2c 01 00 00 00 00 00 00 ec 6a',
    );
    // The CRC covers bytes 2 … 6+L and travels little-endian.
    for (const f of [begin, stage]) {
      const crc = crc16(f, 2, f.length - 2);
      expect([f[f.length - 2], f[f.length - 1]]).toEqual([crc & 0xff, crc >> 8]);
    }
    // A flag 0 is followed by nothing: one byte more or less is refused.
    const short = stage.slice(7, stage.length - 2);
    expect(decodeMessage(0x21, Uint8Array.from([...short, 0, 0, 0, 0])).ok).toBe(false);
  });
});

describe('the order in which the reference wand checks a request', () => {
  it('a payload that does not decode is ERROR 3 before the version, the pump and the session are looked at', () => {
    const r = rig();
    // Before any HELLO: a readable READ_STATUS is ERROR 7, one with a stray byte ERROR 3, keeping its number.
    expect(r.errorCode({ type: 'READ_STATUS' })).toBe(7);
    const { type } = encodeMessage({ type: 'READ_STATUS' });
    const stray = r.raw(encodeFrame({ seq: 9, type, payload: Uint8Array.of(0) }));
    expect([stray.seq, stray.message.type === 'ERROR' && stray.message.code]).toEqual([9, 3]);
    // An unknown message type: ERROR 3 with the request's number.
    const unknown = r.raw(encodeFrame({ seq: 10, type: 0x55, payload: new Uint8Array(0) }));
    expect([unknown.seq, unknown.message.type === 'ERROR' && unknown.message.code]).toEqual([10, 3]);
    r.open();
    r.wand.pumpInRange = false;
    // An undecodable SET_CLOCK (offset +841) with no pump in range: 3, not 1.
    const clock = r.raw(encodeFrame({ seq: 11, type: 0x30, payload: Uint8Array.of(0, 0, 0, 0, 0x49, 0x03) }));
    expect([clock.seq, clock.message.type === 'ERROR' && clock.message.code]).toEqual([11, 3]);
  });

  it('version before pump, pump before session, session before the replay window', () => {
    const r = rig();
    r.open();
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    r.stage(TX);
    expect(r.send({ type: 'COMMIT', txId: uuidToBytes(TX) })).toMatchObject({ type: 'COMMITTED', applied: true });
    r.send({ type: 'HELLO', version: 1 });
    r.wand.pumpInRange = false;
    expect(r.errorCode({ type: 'READ_STATUS' })).toBe(7);
    r.send({ type: 'HELLO', version: 2 });
    expect(r.errorCode({ type: 'READ_STATUS' })).toBe(1);
    r.wand.pumpInRange = true;
    // No session (HELLO ended it) and an id in the replay window: ERROR 2.
    expect(r.errorCode({ type: 'COMMIT', txId: uuidToBytes(TX) })).toBe(2);
  });

  it('structure is ERROR 3 (decoder), the step and rate-field rules and the therapy model ERROR 5', () => {
    const r = rig();
    r.open();
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    const step = { startMinute: 0, rateUlPerDay: 300 };
    const fourteen = Array.from({ length: 14 }, (_v, i) => ({ startMinute: i * 60, rateUlPerDay: 300 }));
    expect(r.stage(TX, { ...CONTINUOUS, mode: 2, steps: fourteen })).toMatchObject({ type: 'ERROR', code: 3 });
    expect(r.stage(TX, { ...CONTINUOUS, mode: 3 })).toMatchObject({ type: 'ERROR', code: 3 });
    expect(r.stage(TX, { ...CONTINUOUS, steps: [step] })).toMatchObject({ type: 'ERROR', code: 5 });
    expect(r.stage(TX, { ...CONTINUOUS, mode: 0 })).toMatchObject({ type: 'ERROR', code: 5 });
    const late = [{ startMinute: 60, rateUlPerDay: 300 }];
    expect(r.stage(TX, { ...CONTINUOUS, mode: 2, steps: late })).toMatchObject({ type: 'ERROR', code: 5 });
    expect(r.stage(TX, { ...CONTINUOUS, rateUlPerDay: 24_001 })).toMatchObject({ type: 'ERROR', code: 5 });
    expect(r.stage(TX, { ...CONTINUOUS, concentrationNgPerMl: 0 })).toMatchObject({ type: 'ERROR', code: 5 });
  });
});

describe('what a request leaves behind', () => {
  it('a refused re-stage keeps the program staged before it; reads, SET_CLOCK, ALARM_TEST and a bolus keep it too', () => {
    const r = rig();
    r.open();
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    expect(r.stage(TX, { ...CONTINUOUS, rateUlPerDay: 500 })).toMatchObject({ type: 'STAGED' });
    // A repeated STAGE_PROGRAM of the same id replaces what is staged.
    expect(r.stage(TX, { ...CONTINUOUS, rateUlPerDay: 700 })).toMatchObject({ type: 'STAGED' });
    expect(r.stage(TX, { ...CONTINUOUS, rateUlPerDay: 24_001 })).toMatchObject({ type: 'ERROR', code: 5 });
    expect(r.stage(TX2)).toMatchObject({ type: 'ERROR', code: 4 });
    r.send({ type: 'READ_STATUS' });
    r.send({ type: 'READ_EVENTS', page: 0 });
    r.send({ type: 'SET_CLOCK', time: 800_000_000, utcOffsetMinutes: 60 });
    r.send({ type: 'ALARM_TEST' });
    expect(
      r.send({ type: 'START_BOLUS', txId: uuidToBytes(TX2), kind: 0, volumeUl: 100, durationMin: 10 }),
    ).toMatchObject({ type: 'BOLUS_STARTED', applied: true });
    expect(r.send({ type: 'COMMIT', txId: uuidToBytes(TX) })).toMatchObject({ type: 'COMMITTED', applied: true });
    expect(r.pump.settings.rate.value).toBe('0.7');
  });

  it('an undecodable HELLO changes nothing; a HELLO of another version ends the session', () => {
    const r = rig();
    r.open();
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    r.stage(TX);
    const { type } = encodeMessage({ type: 'HELLO', version: 2 });
    expect(r.raw(encodeFrame({ seq: 50, type, payload: new Uint8Array(0) })).message).toMatchObject({ code: 3 });
    expect(r.send({ type: 'COMMIT', txId: uuidToBytes(TX) })).toMatchObject({ type: 'COMMITTED', applied: true });
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX2) });
    r.stage(TX2);
    r.send({ type: 'HELLO', version: 3 });
    r.send({ type: 'HELLO', version: 2 });
    expect(r.errorCode({ type: 'COMMIT', txId: uuidToBytes(TX2) })).toBe(2);
  });

  it('BEGIN_TX and STAGE_PROGRAM of a window id are accepted; its COMMIT is applied=0 and keeps it staged', () => {
    const r = rig();
    r.open();
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    r.stage(TX);
    r.send({ type: 'COMMIT', txId: uuidToBytes(TX) });
    const events = r.pump.events.length;
    expect(r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) })).toMatchObject({ type: 'TX_BEGUN' });
    expect(r.stage(TX, { ...CONTINUOUS, rateUlPerDay: 900 })).toMatchObject({ type: 'STAGED' });
    expect(r.send({ type: 'COMMIT', txId: uuidToBytes(TX) })).toMatchObject({ type: 'COMMITTED', applied: false });
    expect(r.pump.settings.rate.value).toBe('0.3');
    expect(r.pump.events.length).toBe(events);
  });
});

describe('events', () => {
  it('a COMMIT with a reservoir and a bridge logs bolus started, program applied, reservoir set, in that order', () => {
    const r = rig();
    r.open();
    const before = r.pump.events.length;
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    r.stage(TX, CONTINUOUS, { reservoirUl: 30_000, bridge: { volumeUl: 500, durationMin: 60 } });
    r.send({ type: 'COMMIT', txId: uuidToBytes(TX) });
    expect(r.pump.events.slice(before).map((e) => [e.code, e.detail])).toEqual([
      ['BOLUS_STARTED', `bridge 0.5 mL over 60 min (tx ${TX})`],
      ['PROGRAM_APPLIED', `morphine 10 mg/mL continuous 0.3 mL/day (tx ${TX})`],
      ['RESERVOIR_SET', '30 mL'],
    ]);
    // The reservoir field sets the reservoir to that volume.
    const status = r.send({ type: 'READ_STATUS' });
    expect(status.type === 'STATUS' && status.status.reservoirUl).toBe(30_000);
  });

  it('the clock-set event is stamped with the new clock and names the old one', () => {
    const r = rig();
    r.open();
    r.send({ type: 'SET_CLOCK', time: 800_000_000, utcOffsetMinutes: 480 });
    const e = r.pump.events.at(-1);
    expect(e?.at?.toISOString()).toBe(new Date(Date.UTC(2000, 0, 1) + 800_000_000_000).toISOString());
    expect(e?.detail).toMatch(/^from 2026-03-01T08:00:47\.000Z UTC\+00:00; offset now UTC\+08:00$/);
  });
});

describe('patient boluses', () => {
  it('the daily maximum counts grants in the last 24 h of elapsed time, whatever SET_CLOCK does', () => {
    const r = rig();
    r.open();
    const bolus = { volumeUl: 100, durationMin: 10, lockoutMin: 60, maxPerDay: 1 };
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    r.stage(TX, { ...CONTINUOUS, patientBolus: bolus });
    r.send({ type: 'COMMIT', txId: uuidToBytes(TX) });
    expect(r.pump.patientRequest()).toBe('granted');
    r.clock.advanceMinutes(30);
    expect(r.pump.patientRequest()).toBe('locked-out');
    r.clock.advanceMinutes(23 * 60);
    // The clock set back a day: the grant 23.5 h ago still counts, and not twice.
    r.send({ type: 'SET_CLOCK', time: 700_000_000, utcOffsetMinutes: 0 });
    expect(r.pump.patientRequest()).toBe('daily-limit');
    r.clock.advanceMinutes(30);
    expect(r.pump.patientRequest()).toBe('granted');
    expect(r.pump.events.filter((e) => e.code === 'PATIENT_BOLUS').map((e) => e.detail)).toEqual([
      'granted',
      'locked-out',
      'daily-limit',
      'granted',
    ]);
  });

  it('a bolus or a bridge with nothing to deliver, no time, more than is left, a bridge with a stop, a fill above the capacity: ERROR 5, nothing changed', () => {
    const r = rig();
    r.open();
    const left = (() => {
      const s = r.send({ type: 'READ_STATUS' });
      return s.type === 'STATUS' ? s.status.reservoirUl : 0;
    })();
    const bolus = (volumeUl: number, durationMin: number) =>
      r.errorCode({ type: 'START_BOLUS', txId: uuidToBytes(TX2), kind: 0, volumeUl, durationMin });
    expect([bolus(0, 10), bolus(100, 0), bolus(left + 1, 10)]).toEqual([5, 5, 5]);
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    const stopped: WireSettings = { ...CONTINUOUS, mode: 0, rateUlPerDay: 0 };
    const refusedStages = [
      r.stage(TX, stopped, { bridge: { volumeUl: 500, durationMin: 60 } }),
      r.stage(TX, CONTINUOUS, { bridge: { volumeUl: 0, durationMin: 60 } }),
      r.stage(TX, CONTINUOUS, { bridge: { volumeUl: 500, durationMin: 0 } }),
      r.stage(TX, CONTINUOUS, { reservoirUl: 20_000, bridge: { volumeUl: 20_001, durationMin: 60 } }),
      r.stage(TX, CONTINUOUS, { reservoirUl: 40_001 }),
    ];
    expect(refusedStages.map((a) => (a.type === 'ERROR' ? a.code : a.type))).toEqual([5, 5, 5, 5, 5]);
    expect(r.pump.lastTransactionId).toBeNull();
    // At the limits: accepted.
    expect(bolus(left, 10)).toBe('BOLUS_STARTED');
    expect(
      r.stage(TX, CONTINUOUS, { reservoirUl: 40_000, bridge: { volumeUl: 40_000, durationMin: 1 } }),
    ).toMatchObject({
      type: 'STAGED',
    });
  });

  it('a flex STAGE_PROGRAM whose rate field is not its first step’s rate is ERROR 5; event texts are cut to 121 UTF-8 bytes between characters', () => {
    const r = rig();
    r.open();
    r.send({ type: 'BEGIN_TX', txId: uuidToBytes(TX) });
    const steps = [
      { startMinute: 0, rateUlPerDay: 200 },
      { startMinute: 720, rateUlPerDay: 400 },
    ];
    const flexWire: WireSettings = { ...CONTINUOUS, mode: 2, rateUlPerDay: 200, steps };
    expect(r.stage(TX, { ...flexWire, rateUlPerDay: 400 })).toMatchObject({ type: 'ERROR', code: 5 });
    expect(r.stage(TX, flexWire)).toMatchObject({ type: 'STAGED' });
    expect(utf8Prefix('é'.repeat(100), MAX_EVENT_TEXT_BYTES)).toBe('é'.repeat(60));
    expect(new TextEncoder().encode(utf8Prefix('a'.repeat(300), MAX_EVENT_TEXT_BYTES)).length).toBe(121);
    // A page of 8 events with the longest texts fits the payload.
    for (let i = 0; i < 8; i++) r.pump.events.push({ at: r.clock.now(), code: 'ALARM_TEST', detail: '漢'.repeat(200) });
    const first = r.send({ type: 'READ_EVENTS', page: 0 });
    const pages = first.type === 'EVENTS' ? first.pages : 0;
    const last = r.send({ type: 'READ_EVENTS', page: pages - 1 });
    expect(last.type === 'EVENTS' && last.events.at(-1)?.detail).toBe('漢'.repeat(40));
  });
});
