import { describe, expect, it } from 'vitest';
import type { PumpSettings } from '../../core/pump';
import { MESSAGE_VERSION, MessageType, type Message, type WireStatus } from '../../drivers/protocol/messages';
import { encodeMessage } from '../../drivers/protocol/messages';
import { REPLAY_WINDOW, SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { frameOf, hostileSetup, rawFrame, type Answer } from './driver-fakes';
import { manualClock } from './helpers';

const TX_A = '0a1b2c3d-0000-4000-8000-00000000000a';
const TX_B = '0a1b2c3d-0000-4000-8000-00000000000b';
const OTHER_ID = Uint8Array.from({ length: 16 }, (_v, i) => 0xf0 + (i % 16));
const morphine = (rate: string): PumpSettings => ({
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'continuous',
  rate: { value: rate, unit: 'mL/day' },
});
const write = (transactionId: string, rate: string) => ({ sessionId: 's', transactionId, settings: morphine(rate) });

/** Rewrites only the answers to one request type; every other answer is the genuine one. */
const on =
  (type: Message['type'], f: (request: Message, answer: Message, seq: number) => Answer[]) =>
  (request: Message, answer: Message, seq: number): Answer[] =>
    request.type === type ? f(request, answer, seq) : [{ seq, message: answer }];

/** A STATUS answer with some wire fields changed. */
const status = (answer: Message, change: Partial<WireStatus>): Message => {
  if (answer.type !== 'STATUS') throw new Error(`expected STATUS, got ${answer.type}`);
  return { type: 'STATUS', status: { ...answer.status, ...change } };
};

describe('sequence number 0 is only ever an ERROR', () => {
  it('takes a STATUS numbered 0 naming another pump for what it is: not the answer', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      { seq: 0, message: status(answer, { serial: 'OTHER-PUMP-9' }) },
      { seq, message: answer },
    ]);
    const r = await link.interrogate();
    expect(r).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
  });

  it('never shows a STATUS numbered 0 alone: the request times out instead', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer) => [{ seq: 0, message: status(answer, { serial: 'OTHER-PUMP-9' }) }]);
    const r = await link.interrogate();
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain('OTHER-PUMP-9');
  });

  it('repeats a request the wand could not read (ERROR numbered 0)', async () => {
    const { link, wand, device } = hostileSetup();
    let first = true;
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => {
      if (!first) return [{ seq, message: answer }];
      first = false;
      return [{ seq: 0, message: { type: 'ERROR', code: 3, message: 'bad frame: BAD_CRC' } }];
    });
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
    expect(device.requests).toBe(5); // HELLO, FIND_PUMP, OPEN_SESSION, READ_STATUS twice
  });
});

describe('every echoed field is checked', () => {
  it('does not report a program as applied when COMMITTED names another transaction', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('COMMIT', (_r, _a, seq) => [
      { seq, message: { type: 'COMMITTED', txId: OTHER_ID, applied: true } },
    ]);
    const r = await link.program(write(TX_A, '0.36'));
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field: 'COMMITTED.txId' } });
  });

  it.each<[string, Message['type'], (answer: Message) => Message, string]>([
    [
      'SESSION_OPENED with another session id',
      'OPEN_SESSION',
      () => ({ type: 'SESSION_OPENED', sessionId: OTHER_ID }),
      'SESSION_OPENED.sessionId',
    ],
    ['TX_BEGUN with another transaction', 'BEGIN_TX', () => ({ type: 'TX_BEGUN', txId: OTHER_ID }), 'TX_BEGUN.txId'],
    ['STAGED with another transaction', 'STAGE_PROGRAM', () => ({ type: 'STAGED', txId: OTHER_ID }), 'STAGED.txId'],
  ])('refuses %s', async (_name, type, forge, field) => {
    const { link, wand, pump } = hostileSetup();
    wand.rewrite = on(type, (_r, answer, seq) => [{ seq, message: forge(answer) }]);
    const r = await link.program(write(TX_A, '0.36'));
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field } });
    expect(pump.events.filter((e) => e.code === 'PROGRAM_APPLIED')).toHaveLength(0);
  });

  it('refuses BOLUS_STARTED naming another transaction', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('START_BOLUS', (_r, _a, seq) => [
      { seq, message: { type: 'BOLUS_STARTED', txId: OTHER_ID, applied: true } },
    ]);
    const r = await link.startBolus({ transactionId: TX_A, kind: 'single', volumeMl: '0.1', durationMinutes: 10 });
    expect(r).toMatchObject({ ok: false, error: { field: 'BOLUS_STARTED.txId' } });
  });

  it('refuses CLOCK_SET with another time', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('SET_CLOCK', (request, _a, seq) => [
      {
        seq,
        message: {
          type: 'CLOCK_SET',
          time: request.type === 'SET_CLOCK' ? request.time + 3600 : 0,
          utcOffsetMinutes: 480,
        },
      },
    ]);
    expect(await link.setClock({ time: new Date('2026-03-01T08:00:00Z'), utcOffsetMinutes: 480 })).toMatchObject({
      ok: false,
      error: { field: 'CLOCK_SET.time' },
    });
  });

  it('refuses CLOCK_SET with another UTC offset', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('SET_CLOCK', (request, _a, seq) => [
      {
        seq,
        message: { type: 'CLOCK_SET', time: request.type === 'SET_CLOCK' ? request.time : 0, utcOffsetMinutes: 0 },
      },
    ]);
    expect(await link.setClock({ time: new Date('2026-03-01T08:00:00Z'), utcOffsetMinutes: 480 })).toMatchObject({
      ok: false,
      error: { field: 'CLOCK_SET.utcOffsetMinutes' },
    });
  });

  it('refuses an EVENTS page other than the one asked for (no page read twice)', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_EVENTS', (_r, _a, seq) => [
      { seq, message: { type: 'EVENTS', page: 0, pages: 2, events: [{ time: 0, code: 3, detail: 'page 0' }] } },
    ]);
    expect(await link.readEvents()).toMatchObject({ ok: false, error: { field: 'EVENTS.page' } });
  });
});

describe('flag bytes and enumerations are read strictly', () => {
  const statusPayload = (answer: Message): Uint8Array => encodeMessage(answer).payload;

  it('refuses a last-transaction flag of 2 instead of reading "no transaction"', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => {
      const payload = statusPayload(answer); // ends with lastTx flag 0, bridge flag 0
      payload[payload.length - 2] = 2;
      return [rawFrame(seq, MessageType.STATUS, payload)];
    });
    const r = await link.interrogate();
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field: 'lastTx' } });
  });

  it('refuses an applied flag of 2 in COMMITTED', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('COMMIT', (_r, answer, seq) => {
      const payload = encodeMessage(answer).payload;
      payload[16] = 2;
      return [rawFrame(seq, MessageType.COMMITTED, payload)];
    });
    expect(await link.program(write(TX_A, '0.36'))).toMatchObject({ ok: false, error: { field: 'applied' } });
  });

  it('refuses an alarm code out of range', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      { seq, message: status(answer, { alarms: [{ code: 6, since: 0 }] }) },
    ]);
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { field: 'alarms.code' } });
  });
});

describe('a flex STATUS is checked with the step rules used on send', () => {
  const flex = (steps: WireStatus['steps']): Partial<WireStatus> => ({
    mode: 2,
    steps,
    rateUlPerDay: steps[0]?.rateUlPerDay ?? 0,
  });
  it.each<[string, Partial<WireStatus>, string]>([
    ['no step', flex([]), 'steps'],
    ['14 steps', flex(Array.from({ length: 14 }, (_v, i) => ({ startMinute: i * 60, rateUlPerDay: 240 }))), 'steps'],
    ['a first step at 01:00', flex([{ startMinute: 60, rateUlPerDay: 240 }]), 'steps.0.start'],
    [
      'steps not increasing',
      flex([
        { startMinute: 0, rateUlPerDay: 240 },
        { startMinute: 600, rateUlPerDay: 480 },
        { startMinute: 600, rateUlPerDay: 240 },
      ]),
      'steps.2.start',
    ],
    [
      'a step at 25:00',
      flex([
        { startMinute: 0, rateUlPerDay: 240 },
        { startMinute: 1500, rateUlPerDay: 480 },
      ]),
      'steps.1.start',
    ],
    ['steps on a continuous program', { mode: 1, steps: [{ startMinute: 0, rateUlPerDay: 240 }] }, 'steps'],
    ['a rate on a stopped pump', { mode: 0, rateUlPerDay: 300 }, 'rate'],
  ])('refuses %s', async (_name, change, field) => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [{ seq, message: status(answer, change) }]);
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field } });
  });

  it('takes a valid flex STATUS’s daily dose from its steps, not from the rate running now', async () => {
    const { link, wand } = hostileSetup();
    // 0.24 mL/day for 12 h, 0.48 for 12 h at 10 mg/mL: 3.6 mg/day whatever the rate field says.
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      {
        seq,
        message: status(answer, {
          mode: 2,
          rateUlPerDay: 480,
          steps: [
            { startMinute: 0, rateUlPerDay: 240 },
            { startMinute: 720, rateUlPerDay: 480 },
          ],
        }),
      },
    ]);
    expect(await link.interrogate()).toMatchObject({
      ok: true,
      value: { dailyDose: { value: '3.6', unit: 'mg/day' }, rate: { value: '0.48' } },
    });
  });
});

describe('quantities decoded exactly', () => {
  it.each([
    [17050, '17.05'],
    [17150, '17.15'],
    [17001, '17.001'],
    [17000, '17.0'],
  ])('reads a reservoir of %i µL as %s mL, not rounded to 0.1 mL', async (ul, mL) => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [{ seq, message: status(answer, { reservoirUl: ul }) }]);
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { reservoirVolume: { value: mL, unit: 'mL' } } });
  });
});

describe('the pump clock', () => {
  it.each([
    ['1999-12-31T23:59:59Z', 'before the epoch'],
    ['2136-02-07T06:28:16Z', 'past the u32 range'],
    ['not a date', 'an invalid date'],
  ])('refuses %s (%s) before sending anything', async (iso) => {
    const { link, device, pump } = hostileSetup();
    const r = await link.setClock({ time: new Date(iso), utcOffsetMinutes: 0 });
    expect(r).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE', field: 'time' } });
    expect(device.requests).toBe(0);
    expect(pump.events).toHaveLength(0);
  });

  it('sets the last time the wire carries', async () => {
    const { link, pump } = hostileSetup();
    expect(await link.setClock({ time: new Date('2136-02-07T06:28:15Z'), utcOffsetMinutes: 0 })).toEqual({
      ok: true,
      value: null,
    });
    expect(pump.status().pumpTime).toBe('2136-02-07T06:28:15.000Z');
  });
});

describe('the event log is bounded', () => {
  it('refuses a wand that claims 65,535 pages at once', async () => {
    const { link, wand, device } = hostileSetup();
    wand.rewrite = on('READ_EVENTS', (request, _a, seq) => [
      {
        seq,
        message: { type: 'EVENTS', page: request.type === 'READ_EVENTS' ? request.page : 0, pages: 0xffff, events: [] },
      },
    ]);
    const started = Date.now();
    expect(await link.readEvents()).toMatchObject({ ok: false, error: { field: 'EVENTS.pages' } });
    expect(device.requests).toBeLessThanOrEqual(4);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up on the whole log at its deadline, however slowly the pages come', async () => {
    const { link, wand, device } = hostileSetup({ latencyMs: 20, eventsDeadlineMs: 150, timeoutMs: 200 });
    wand.rewrite = on('READ_EVENTS', (request, _a, seq) => [
      {
        seq,
        message: { type: 'EVENTS', page: request.type === 'READ_EVENTS' ? request.page : 0, pages: 128, events: [] },
      },
    ]);
    expect(await link.readEvents()).toMatchObject({ ok: false, error: { field: 'EVENTS.deadline' } });
    expect(device.requests).toBeLessThan(20);
  });
});

describe('replay protection keeps a window of applied transactions', () => {
  it('does not apply an older transaction replayed after a newer one, and answers it as a duplicate', async () => {
    const { link, pump } = hostileSetup();
    expect(await link.program(write(TX_A, '0.36'))).toEqual({ ok: true, value: { applied: true } });
    expect(await link.program(write(TX_B, '0.3'))).toEqual({ ok: true, value: { applied: true } });
    expect(await link.program(write(TX_A, '0.36'))).toEqual({ ok: true, value: { applied: false } });
    expect(pump.settings.rate.value).toBe('0.3');
    expect(pump.lastTransactionId).toBe(TX_B);
    expect(pump.events.filter((e) => e.code === 'PROGRAM_APPLIED')).toHaveLength(2);
  });

  it('applies each bolus transaction once, even replayed after another', async () => {
    const { link, pump } = hostileSetup();
    const bolus = (transactionId: string) => ({
      transactionId,
      kind: 'single' as const,
      volumeMl: '0.1',
      durationMinutes: 10,
    });
    expect(await link.startBolus(bolus(TX_A))).toEqual({ ok: true, value: { applied: true } });
    expect(await link.startBolus(bolus(TX_B))).toEqual({ ok: true, value: { applied: true } });
    expect(await link.startBolus(bolus(TX_A))).toEqual({ ok: true, value: { applied: false } });
    expect(pump.events.filter((e) => e.code === 'BOLUS_STARTED')).toHaveLength(2);
  });

  it(`remembers exactly the last ${REPLAY_WINDOW} transactions`, () => {
    const clock = manualClock();
    const pump = new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now);
    expect(pump.apply('tx-0', morphine('0.3'))).toBe(true);
    for (let i = 1; i < REPLAY_WINDOW; i++) expect(pump.apply(`tx-${i}`, morphine('0.3'))).toBe(true);
    expect(pump.apply('tx-0', morphine('0.3'))).toBe(false); // still in the window
    expect(pump.apply(`tx-${REPLAY_WINDOW}`, morphine('0.3'))).toBe(true); // pushes tx-0 out
    expect(pump.hasApplied('tx-0')).toBe(false);
    expect(pump.hasApplied('tx-1')).toBe(true);
  });
});

describe('the protocol version is exchanged in HELLO', () => {
  it('stops at HELLO when the wand speaks another version', async () => {
    const { link, wand, device } = hostileSetup();
    wand.version = 1; // a wand of the first message version: its SET_CLOCK and STATUS carry no UTC offset
    const r = await link.interrogate();
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field: 'HELLO_ACK.version' } });
    expect(device.requests).toBe(1);
  });

  it('the wand serves nothing but HELLO to a host of another version', () => {
    const { wand } = hostileSetup();
    const answer = (bytes: Uint8Array) => wand.handle(bytes)[6];
    expect(answer(frameOf(1, { type: 'HELLO', version: 9 }))).toBe(MessageType.HELLO_ACK);
    expect(answer(frameOf(2, { type: 'FIND_PUMP' }))).toBe(MessageType.ERROR);
    expect(answer(frameOf(3, { type: 'HELLO', version: MESSAGE_VERSION }))).toBe(MessageType.HELLO_ACK);
    expect(answer(frameOf(4, { type: 'FIND_PUMP' }))).toBe(MessageType.PUMP_FOUND);
  });
});

describe('one pump per session', () => {
  it('refuses a STATUS naming another pump than the session found', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      { seq, message: status(answer, { serial: 'OTHER-PUMP-9' }) },
    ]);
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { field: 'STATUS.serial' } });
  });
});
