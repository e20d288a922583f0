import { describe, expect, it } from 'vitest';
import type { PumpSettings } from '../../core/pump';
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  WandErrorCode,
  type Message,
} from '../../drivers/protocol/messages';
import { toWireStatus } from '../../drivers/protocol/convert';
import { decodeFrame } from '../../drivers/protocol/frame';
import { deliveredBetween } from '../../drivers/simulator/delivery';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { trainingLink } from '../../drivers/simulator/training';
import { frameOf, hostileSetup, rawFrame } from './driver-fakes';

const rate = (value: string) => ({ value, unit: 'mL/day' as const });
const HOUR_MS = 3_600_000;

/** Night 0.24 mL/day from 00:00, day 2.4 mL/day from 08:00 clinic time: ten times the rate, easy to see in the reservoir. */
const flex: PumpSettings = {
  drug: 'morphine',
  concentration: { value: '1', unit: 'mg/mL' },
  mode: 'flex',
  rate: rate('0.24'),
  steps: [
    { start: '00:00', rate: rate('0.24') },
    { start: '08:00', rate: rate('2.4') },
  ],
};

/** A clock the test sets to any instant. */
function settableClock(iso: string) {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    set(at: string) {
      now = Date.parse(at);
    },
  };
}

/** A training setup (real driver, protocol and simulated wand) whose pump clock equals true time. */
function setup(at: string) {
  const clock = settableClock(at);
  const pump = new SimulatedPump(
    { ...defaultSimulatedPump(clock.now()), clockOffsetMs: 0, volumeMl: '20', volumeAt: clock.now() },
    clock.now,
  );
  const { link, device } = trainingLink({ clock: clock.now, pump });
  return { clock, pump, link, device };
}

const program = async (link: ReturnType<typeof setup>['link'], transactionId: string) => {
  expect(await link.program({ sessionId: 's', transactionId, settings: flex, reservoirVolumeMl: '20' })).toEqual({
    ok: true,
    value: { applied: true },
  });
};

describe('the simulated pump runs flex steps by its local time: UTC clock + UTC offset', () => {
  it('given +480 (Beijing), runs the 08:00 step from 00:00 UTC, read over the wire', async () => {
    const { clock, link } = setup('2026-03-01T12:00:00Z');
    expect(await link.setClock({ time: clock.now(), utcOffsetMinutes: 480 })).toEqual({ ok: true, value: null });
    await program(link, '0a1b2c3d-0000-4000-8000-000000000001');

    clock.set('2026-03-01T23:59:59Z'); // 07:59:59 in Beijing
    expect(await link.interrogate()).toMatchObject({
      ok: true,
      value: { pumpTime: '2026-03-01T23:59:59.000Z', utcOffsetMinutes: 480, rate: { value: '0.24' } },
    });
    clock.set('2026-03-02T00:00:00Z'); // 08:00 in Beijing
    expect(await link.interrogate()).toMatchObject({
      ok: true,
      value: { utcOffsetMinutes: 480, rate: { value: '2.4' } },
    });
    clock.set('2026-03-02T15:59:59Z'); // 23:59:59 in Beijing: still the day step
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { rate: { value: '2.4' } } });
    clock.set('2026-03-02T16:00:00Z'); // midnight in Beijing
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { rate: { value: '0.24' } } });
  });

  it('delivers the day rate from 00:00 UTC: 8 hours at 2.4 mL/day leave 19.2 mL, not the 19.92 mL of a pump on UTC', async () => {
    const beijing = setup('2026-03-02T00:00:00Z');
    expect((await beijing.link.setClock({ time: beijing.clock.now(), utcOffsetMinutes: 480 })).ok).toBe(true);
    await program(beijing.link, '0a1b2c3d-0000-4000-8000-000000000002');
    beijing.clock.set('2026-03-02T08:00:00Z');
    expect(await beijing.link.interrogate()).toMatchObject({ ok: true, value: { reservoirVolume: { value: '19.2' } } });

    // A pump never given an offset runs at 0, reports 0, and starts the 08:00 step at 08:00 UTC.
    const utc = setup('2026-03-02T00:00:00Z');
    await program(utc.link, '0a1b2c3d-0000-4000-8000-000000000003');
    utc.clock.set('2026-03-02T07:59:00Z');
    expect(await utc.link.interrogate()).toMatchObject({
      ok: true,
      value: { utcOffsetMinutes: 0, rate: { value: '0.24' } },
    });
    utc.clock.set('2026-03-02T08:00:00Z');
    expect(await utc.link.interrogate()).toMatchObject({
      ok: true,
      // 8 h at 0.24 mL/day: 0.08 mL.
      value: { utcOffsetMinutes: 0, rate: { value: '2.4' }, reservoirVolume: { value: '19.92' } },
    });
  });

  it('an offset set mid-day applies from that instant; what ran before is booked at the old offset', async () => {
    const { clock, link, pump } = setup('2026-03-02T00:00:00Z');
    await program(link, '0a1b2c3d-0000-4000-8000-000000000004');
    clock.set('2026-03-02T04:00:00Z'); // 4 h at 0.24 mL/day on UTC: 0.04 mL
    expect((await link.setClock({ time: clock.now(), utcOffsetMinutes: 480 })).ok).toBe(true); // now 12:00 local: the day step
    clock.set('2026-03-02T08:00:00Z'); // 4 h at 2.4 mL/day: 0.4 mL; 20 − 0.44 = 19.56
    expect(pump.status()).toMatchObject({
      utcOffsetMinutes: 480,
      rate: { value: '2.4' },
      reservoirVolume: { value: '19.56' },
    });
    expect(pump.events.at(-1)).toMatchObject({
      code: 'CLOCK_SET',
      detail: expect.stringContaining('UTC+08:00') as string,
    });
  });

  it('delivers exactly, piece by piece, across the step change at local 08:00', () => {
    // 23:00–00:30 UTC is 07:00–08:30 in Beijing: 1 h of the night step (0.24), then 30 min of the day step (2.4).
    const from = Date.parse('2026-03-01T23:00:00Z');
    const to = from + 1.5 * HOUR_MS;
    expect(deliveredBetween(flex, [], from, to, 480 * 60_000).toString()).toBe('0.06'); // (0.24 + 2.4 × 0.5) ÷ 24
    // On UTC the same instants are 23:00–00:30: 1 h of the day step, then 30 min of the night step.
    expect(deliveredBetween(flex, [], from, to).toString()).toBe('0.105'); // (2.4 + 0.24 × 0.5) ÷ 24
    // New York (−300): 18:00–19:30 local, the day step only.
    expect(deliveredBetween(flex, [], from, to, -300 * 60_000).toString()).toBe('0.15'); // 2.4 × 1.5 ÷ 24
  });
});

/** A message's payload with the i16 at `at` replaced. */
const patchI16 = (payload: Uint8Array, at: number, value: number): Uint8Array => {
  const out = payload.slice();
  const u = value < 0 ? value + 0x10000 : value;
  out[at] = u & 0xff;
  out[at + 1] = u >>> 8;
  return out;
};

describe('UTC offsets outside −720…+840 are refused in both directions', () => {
  it.each([841, -721, 900, 30.5, Number.NaN])('the host refuses %s before sending anything', async (minutes) => {
    const { link, device, pump } = hostileSetup();
    const r = await link.setClock({ time: new Date('2026-03-01T08:00:00Z'), utcOffsetMinutes: minutes });
    expect(r).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE', field: 'utcOffsetMinutes' } });
    expect(device.requests).toBe(0);
    expect(pump.events).toHaveLength(0);
    expect(pump.utcOffsetMinutes).toBe(0);
  });

  it.each([-720, 840, 345, -570])('the host sends %s, the pump takes it and reports it', async (minutes) => {
    const { link, pump } = hostileSetup();
    expect(await link.setClock({ time: new Date('2026-03-01T08:00:00Z'), utcOffsetMinutes: minutes })).toEqual({
      ok: true,
      value: null,
    });
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { utcOffsetMinutes: minutes } });
    expect(pump.utcOffsetMinutes).toBe(minutes);
  });

  it('the encoder will not write one (a programming error)', () => {
    expect(() => encodeMessage({ type: 'SET_CLOCK', time: 0, utcOffsetMinutes: 841 })).toThrow(RangeError);
    expect(() => encodeMessage({ type: 'CLOCK_SET', time: 0, utcOffsetMinutes: -721 })).toThrow(RangeError);
  });

  it.each([841, -721, 0x7fff, -0x8000])(
    'the decoder refuses %s in SET_CLOCK, CLOCK_SET and STATUS (BAD_FIELD)',
    (minutes) => {
      for (const type of ['SET_CLOCK', 'CLOCK_SET'] as const) {
        const payload = patchI16(encodeMessage({ type, time: 830_000_000, utcOffsetMinutes: 0 }).payload, 4, minutes);
        expect(decodeMessage(MessageType[type], payload)).toEqual({
          ok: false,
          error: { kind: 'BAD_FIELD', type: MessageType[type], field: 'utcOffsetMinutes', value: minutes },
        });
      }
      const { pump } = hostileSetup();
      const status = statusPayload(pump);
      expect(decodeMessage(MessageType.STATUS, patchI16(status.payload, status.offsetAt, minutes))).toMatchObject({
        ok: false,
        error: { kind: 'BAD_FIELD', field: 'utcOffsetMinutes', value: minutes },
      });
    },
  );

  it('the simulated wand answers a SET_CLOCK of +15:00 with ERROR 3 and leaves the pump as it was', () => {
    const { wand, pump } = hostileSetup();
    wand.handle(frameOf(1, { type: 'HELLO', version: wand.version }));
    wand.handle(frameOf(2, { type: 'OPEN_SESSION', sessionId: new Uint8Array(16) }));
    const payload = patchI16(
      encodeMessage({ type: 'SET_CLOCK', time: 830_000_000, utcOffsetMinutes: 0 }).payload,
      4,
      900,
    );
    const answer = decodeFrame(wand.handle(rawFrame(3, MessageType.SET_CLOCK, payload)));
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    expect(decodeMessage(answer.frame.type, answer.frame.payload)).toMatchObject({
      ok: true,
      message: { type: 'ERROR', code: WandErrorCode.BAD_REQUEST },
    });
    expect(pump.events).toHaveLength(0);
    expect(pump.utcOffsetMinutes).toBe(0);
  });

  it('the host refuses a STATUS or a CLOCK_SET carrying +15:00: a typed error naming the field', async () => {
    const { link, wand, pump } = hostileSetup();
    wand.rewrite = (request, answer, seq) => {
      if (request.type === 'READ_STATUS') {
        const s = statusPayload(pump);
        return [rawFrame(seq, MessageType.STATUS, patchI16(s.payload, s.offsetAt, 900))];
      }
      if (request.type === 'SET_CLOCK')
        return [rawFrame(seq, MessageType.CLOCK_SET, patchI16(encodeMessage(answer).payload, 4, 900))];
      return [{ seq, message: answer }];
    };
    expect(await link.interrogate()).toMatchObject({
      ok: false,
      error: { code: 'COMMUNICATION_FAILED', field: 'utcOffsetMinutes' },
    });
    expect(await link.setClock({ time: new Date('2026-03-01T08:00:00Z'), utcOffsetMinutes: 480 })).toMatchObject({
      ok: false,
      error: { code: 'COMMUNICATION_FAILED', field: 'utcOffsetMinutes' },
    });
  });

  it('the simulated pump refuses one set directly, and one in its starting state', () => {
    const { pump } = hostileSetup();
    expect(() => pump.setClock(new Date('2026-03-01T08:00:00Z'), 841)).toThrow(RangeError);
    expect(
      () => new SimulatedPump({ ...defaultSimulatedPump(new Date('2026-03-01T08:00:00Z')), utcOffsetMinutes: -721 }),
    ).toThrow(RangeError);
  });
});

/** The pump's STATUS payload and where its UTC offset sits: after model, serial (u8-length text) and the u32 clock. */
function statusPayload(pump: SimulatedPump): { payload: Uint8Array; offsetAt: number } {
  const s = pump.status();
  const wire = toWireStatus(s, pump.settings);
  if (!wire.ok) throw new Error(wire.error.message);
  const message: Message = { type: 'STATUS', status: wire.value };
  const utf8 = (t: string) => new TextEncoder().encode(t).length;
  return { payload: encodeMessage(message).payload, offsetAt: 1 + utf8(s.model) + 1 + utf8(s.serial) + 4 };
}
