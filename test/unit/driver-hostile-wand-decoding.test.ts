import { describe, expect, it } from 'vitest';
import { MessageType, type Message, type WireStatus } from '../../drivers/protocol/messages';
import { encodeMessage } from '../../drivers/protocol/messages';
import { hostileSetup, rawFrame } from './driver-fakes';
import { TX_A, write, on, status } from './driver-hostile-wand-support';

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
      { seq, message: status(answer, { alarms: [{ code: 7, since: 0 }] }) },
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
