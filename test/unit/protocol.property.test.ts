import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16 } from '../../drivers/protocol/crc';
import { decodeFrame, encodeFrame, MAX_PAYLOAD, packetize } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage, type Message } from '../../drivers/protocol/messages';

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** The clinic's UTC offset: whole minutes, −12:00 … +14:00. */
const utcOffset = fc.integer({ min: -720, max: 840 });
const id = fc.uint8Array({ minLength: 16, maxLength: 16 });
const text = fc.string({ maxLength: 40 });
const settings = fc.record({
  drug: fc.integer({ min: 0, max: 5 }),
  massUnit: fc.integer({ min: 0, max: 1 }),
  concentrationNgPerMl: u32,
  mode: fc.integer({ min: 0, max: 2 }),
  rateUlPerDay: u32,
  steps: fc.array(fc.record({ startMinute: u16, rateUlPerDay: u32 }), { maxLength: 13 }),
  patientBolus: fc.option(fc.record({ volumeUl: u32, durationMin: u16, lockoutMin: u16, maxPerDay: u8 }), {
    nil: null,
  }),
});

/** Every message of the protocol, with arbitrary field values. */
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.constantFrom<Message>(
    { type: 'FIND_PUMP' },
    { type: 'READ_STATUS' },
    { type: 'ALARM_TEST' },
    { type: 'ALARM_TESTED' },
  ),
  u8.map((version): Message => ({ type: 'HELLO', version })),
  id.map((sessionId): Message => ({ type: 'OPEN_SESSION', sessionId })),
  id.map((sessionId): Message => ({ type: 'SESSION_OPENED', sessionId })),
  u16.map((page): Message => ({ type: 'READ_EVENTS', page })),
  fc
    .constantFrom('BEGIN_TX' as const, 'TX_BEGUN' as const, 'STAGED' as const, 'COMMIT' as const)
    .chain((type) => id.map((txId): Message => ({ type, txId }))),
  fc
    .record({
      txId: id,
      settings,
      reservoirUl: fc.option(u32, { nil: null }),
      bridge: fc.option(fc.record({ volumeUl: u32, durationMin: u16 }), { nil: null }),
    })
    .map((m): Message => ({ type: 'STAGE_PROGRAM', ...m })),
  fc
    .constantFrom('SET_CLOCK' as const, 'CLOCK_SET' as const)
    .chain((type) => fc.record({ time: u32, utcOffsetMinutes: utcOffset }).map((m): Message => ({ type, ...m }))),
  fc.record({ version: u8, firmware: text, wandSerial: text }).map((m): Message => ({ type: 'HELLO_ACK', ...m })),
  fc
    .record({ linkQuality: fc.integer({ min: 0, max: 100 }), pumpSerial: text })
    .map((m): Message => ({ type: 'PUMP_FOUND', ...m })),
  fc
    .record({
      model: text,
      serial: text,
      pumpTime: u32,
      utcOffsetMinutes: utcOffset,
      settings,
      reservoirUl: u32,
      capacityUl: u32,
      alarmVolumeUl: u32,
      replaceByDay: u16,
      alarms: fc.array(fc.record({ code: fc.integer({ min: 0, max: 5 }), since: u32 }), { maxLength: 6 }),
      lastTx: fc.option(id, { nil: null }),
      bridgeUl: fc.option(u32, { nil: null }),
    })
    .map(({ settings: s, ...rest }): Message => ({ type: 'STATUS', status: { ...rest, ...s } })),
  fc
    .record({
      page: u16,
      pages: u16,
      events: fc.array(fc.record({ time: u32, code: u8, detail: text }), { maxLength: 8 }),
    })
    .map((m): Message => ({ type: 'EVENTS', ...m })),
  fc.record({ txId: id, applied: fc.boolean() }).map((m): Message => ({ type: 'COMMITTED', ...m })),
  fc.record({ txId: id, applied: fc.boolean() }).map((m): Message => ({ type: 'BOLUS_STARTED', ...m })),
  fc
    .record({ txId: id, kind: fc.integer({ min: 0, max: 2 }), volumeUl: u32, durationMin: u16 })
    .map((m): Message => ({ type: 'START_BOLUS', ...m })),
  fc.record({ code: u8, message: text }).map((m): Message => ({ type: 'ERROR', ...m })),
);

const roundTrip = (m: Message, seq: number) => {
  const { type, payload } = encodeMessage(m);
  const frame = decodeFrame(encodeFrame({ seq, type, payload }));
  if (!frame.ok) throw new Error(frame.error.kind);
  expect(frame.frame.seq).toBe(seq);
  return decodeMessage(frame.frame.type, frame.frame.payload);
};

/** Both decoders on arbitrary bytes: a result, never an exception. */
const decodeAnything = (bytes: Uint8Array) => {
  const frame = decodeFrame(bytes);
  if (frame.ok) decodeMessage(frame.frame.type, frame.frame.payload);
  return frame;
};

describe('wand protocol codec', () => {
  it('matches the CRC-16/CCITT-FALSE check value', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });

  it('decode(encode(m)) = m for every message', () => {
    fc.assert(
      fc.property(message, u8, (m, seq) => {
        expect(roundTrip(m, seq)).toEqual({ ok: true, message: m });
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives typed errors only for 100,000 random byte strings', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        if (decodeAnything(bytes).ok) accepted++;
      }),
      { numRuns: 100_000 },
    );
    expect(accepted).toBeLessThan(5); // random bytes almost never make a frame with a valid CRC
  });

  it('gives typed errors only for 100,000 mutated valid frames, and catches every single-bit flip', () => {
    const mutation = fc.record({
      m: message,
      seq: u8,
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
      cut: fc.nat(),
      mode: fc.constantFrom('flip', 'truncate', 'extend', 'splice'),
    });
    fc.assert(
      fc.property(mutation, ({ m, seq, at, bit, cut, mode }) => {
        const { type, payload } = encodeMessage(m);
        const good = encodeFrame({ seq, type, payload });
        let bad: Uint8Array;
        switch (mode) {
          case 'flip':
            bad = good.slice();
            bad[at % bad.length] = (bad[at % bad.length] ?? 0) ^ (1 << bit);
            expect(decodeFrame(bad).ok).toBe(false);
            return;
          case 'truncate':
            bad = good.slice(0, cut % good.length);
            expect(decodeFrame(bad)).toMatchObject({ ok: false });
            return;
          case 'extend':
            bad = Uint8Array.from([...good, at & 0xff]);
            expect(decodeFrame(bad)).toMatchObject({ ok: false, error: { kind: 'TRAILING_BYTES' } });
            return;
          case 'splice':
            bad = Uint8Array.from([
              ...good.slice(0, at % good.length),
              ...good.slice((at % good.length) + 1 + (cut % 3)),
            ]);
            decodeAnything(bad);
            return;
          default:
            throw new Error(String(mode));
        }
      }),
      { numRuns: 100_000 },
    );
  });

  it('refuses oversize, unknown types and short payloads with typed errors', () => {
    const oversize = new Uint8Array(12);
    oversize.set([0xa5, 0x5a, 1, (MAX_PAYLOAD + 1) & 0xff, (MAX_PAYLOAD + 1) >> 8]);
    expect(decodeFrame(oversize)).toEqual({ ok: false, error: { kind: 'OVERSIZE', length: MAX_PAYLOAD + 1 } });
    expect(decodeFrame(Uint8Array.from([0x00, 0x5a]))).toEqual({ ok: false, error: { kind: 'BAD_SYNC' } });
    expect(decodeMessage(0x55, new Uint8Array(0))).toEqual({ ok: false, error: { kind: 'UNKNOWN_TYPE', type: 0x55 } });
    expect(decodeMessage(0x03, new Uint8Array(15))).toMatchObject({ ok: false, error: { kind: 'BAD_PAYLOAD' } });
    expect(decodeMessage(0x01, new Uint8Array(2))).toMatchObject({ ok: false, error: { kind: 'BAD_PAYLOAD' } });
    expect(decodeMessage(0x01, new Uint8Array(0))).toMatchObject({ ok: false, error: { kind: 'BAD_PAYLOAD' } });
    expect(() => encodeFrame({ seq: 1, type: 1, payload: new Uint8Array(MAX_PAYLOAD + 1) })).toThrow(RangeError);
  });

  it('splits frames into 64-byte packets that join back to the frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: MAX_PAYLOAD }), (payload) => {
        const frame = encodeFrame({ seq: 9, type: 0x90, payload });
        const packets = packetize(frame);
        expect(packets.every((p) => p.length <= 64)).toBe(true);
        expect(Uint8Array.from(packets.flatMap((p) => [...p]))).toEqual(frame);
      }),
      { numRuns: 500 },
    );
  });
});
