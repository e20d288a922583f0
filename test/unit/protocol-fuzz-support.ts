import { dec, str } from '../../core/decimal';
import { bytesToUuid, fromWireStatus, toWireStatus } from '../../drivers/protocol/convert';
import { crc16 } from '../../drivers/protocol/crc';
import { decodeFrame, encodeFrame, HEADER_BYTES, TRAILER_BYTES, type FrameError } from '../../drivers/protocol/frame';
import {
  decodeMessage,
  encodeMessage,
  MESSAGE_VERSION,
  MessageType,
  type Message,
  type MessageError,
} from '../../drivers/protocol/messages';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { manualClock } from './helpers';

/**
 * Seeded fuzzing of hostile frames through the real decoder and driver. PUMP_FUZZ_FRAMES sets the
 * number of decoder frames (default 100,000, the least a run may check: the test fails below it),
 * PUMP_FUZZ_DRIVER_FRAMES those sent through the whole driver (default 2,000), PUMP_FUZZ_SEED the
 * seed (a failure prints the seed and index to replay it).
 */
const envInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
};
export const FRAMES = envInt('PUMP_FUZZ_FRAMES', 100_000);
export const DRIVER_FRAMES = envInt('PUMP_FUZZ_DRIVER_FRAMES', 2_000);
export const SEED = envInt('PUMP_FUZZ_SEED', 20_261_201);

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => {
    const x = xs[int(xs.length)];
    if (x === undefined) throw new Error('empty choice');
    return x;
  };
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256));
  return { next, int, pick, bytes };
}
export type Rng = ReturnType<typeof prng>;

/** Genuine messages of every type, with realistic content: the seeds the mutations start from. */
export function corpus(): Message[] {
  const clock = manualClock();
  const id = (n: number) => Uint8Array.from({ length: 16 }, (_v, i) => (n * 31 + i) & 0xff);
  const pump = new SimulatedPump(
    { ...defaultSimulatedPump(clock.now()), volumeMl: '20', volumeAt: clock.now() },
    clock.now,
  );
  const statuses: Message[] = [];
  const addStatus = () => {
    const s = toWireStatus(pump.status(), pump.settings);
    if (!s.ok) throw new Error(s.error.message);
    statuses.push({ type: 'STATUS', status: s.value });
  };
  addStatus();
  pump.apply(
    '0a1b2c3d-0000-4000-8000-000000000001',
    {
      drug: 'baclofen',
      concentration: { value: '500', unit: 'mcg/mL' },
      mode: 'flex',
      rate: { value: '0.24', unit: 'mL/day' },
      steps: [
        { start: '00:00', rate: { value: '0.24', unit: 'mL/day' } },
        { start: '06:30', rate: { value: '0.48', unit: 'mL/day' } },
        { start: '22:00', rate: { value: '0.2', unit: 'mL/day' } },
      ],
      patientBolus: { volumeMl: '0.05', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
    },
    '18.5',
    { volumeMl: '0.3', durationMinutes: 600 },
  );
  addStatus();
  pump.stallMotor();
  addStatus();
  return [
    ...statuses,
    { type: 'HELLO', version: MESSAGE_VERSION },
    { type: 'HELLO_ACK', version: MESSAGE_VERSION, firmware: 'SIM-WAND 1.0', wandSerial: 'W-SIM-0001' },
    { type: 'FIND_PUMP' },
    { type: 'PUMP_FOUND', linkQuality: 92, pumpSerial: 'SIM000123' },
    { type: 'OPEN_SESSION', sessionId: id(1) },
    { type: 'SESSION_OPENED', sessionId: id(1) },
    { type: 'READ_STATUS' },
    { type: 'READ_EVENTS', page: 3 },
    {
      type: 'EVENTS',
      page: 0,
      pages: 2,
      events: [
        { time: 830_000_000, code: 0, detail: 'morphine 10 mg/mL continuous 0.3 mL/day' },
        { time: 830_000_100, code: 6, detail: 'motor stall' },
      ],
    },
    { type: 'BEGIN_TX', txId: id(2) },
    { type: 'TX_BEGUN', txId: id(2) },
    {
      type: 'STAGE_PROGRAM',
      txId: id(2),
      settings: {
        drug: 0,
        massUnit: 0,
        concentrationNgPerMl: 10_000_000,
        mode: 2,
        rateUlPerDay: 240,
        steps: [
          { startMinute: 0, rateUlPerDay: 240 },
          { startMinute: 720, rateUlPerDay: 480 },
        ],
        patientBolus: null,
      },
      reservoirUl: 20_000,
      bridge: { volumeUl: 300, durationMin: 600 },
    },
    { type: 'STAGED', txId: id(2) },
    { type: 'COMMIT', txId: id(2) },
    { type: 'COMMITTED', txId: id(2), applied: true },
    { type: 'START_BOLUS', txId: id(3), kind: 1, volumeUl: 250, durationMin: 30 },
    { type: 'BOLUS_STARTED', txId: id(3), applied: false },
    { type: 'SET_CLOCK', time: 830_000_000, utcOffsetMinutes: 480 },
    { type: 'CLOCK_SET', time: 830_000_000, utcOffsetMinutes: -300 },
    { type: 'ALARM_TEST' },
    { type: 'ALARM_TESTED' },
    { type: 'ERROR', code: 4, message: 'commit names a transaction that was not staged' },
  ];
}

const TYPES = Object.values(MessageType);

/** A hostile frame: a genuine one mutated, CRC made valid again (so it reaches the message decoder) or not. */
export function hostile(rng: Rng, seeds: readonly Message[]): Uint8Array {
  const m = rng.pick(seeds);
  const encoded = encodeMessage(m);
  let type = encoded.type;
  let payload: Uint8Array = encoded.payload.slice();
  let seq = rng.int(256);
  const mutations = 1 + rng.int(3);
  for (let i = 0; i < mutations; i++) {
    switch (rng.int(9)) {
      case 0: // bit flips
        if (payload.length > 0)
          for (let k = 1 + rng.int(4); k > 0; k--) {
            const at = rng.int(payload.length);
            payload[at] = (payload[at] ?? 0) ^ (1 << rng.int(8));
          }
        break;
      case 1: // a byte set to a flag-like or extreme value
        if (payload.length > 0)
          payload[rng.int(payload.length)] = rng.pick([0, 1, 2, 3, 6, 13, 14, 100, 101, 0x7f, 0x80, 0xfe, 0xff]);
        break;
      case 2: // truncated
        payload = payload.slice(0, rng.int(payload.length + 1));
        break;
      case 3: // extended
        payload = Uint8Array.from([...payload, ...rng.bytes(1 + rng.int(40))]);
        break;
      case 4: // another type's code, known or not
        type = rng.next() < 0.8 ? rng.pick(TYPES) : rng.int(256);
        break;
      case 5: // random payload
        payload = rng.bytes(rng.int(300));
        break;
      case 6: // spliced: the head of this payload, the tail of another message's
        {
          const other = encodeMessage(rng.pick(seeds)).payload;
          payload = Uint8Array.from([
            ...payload.slice(0, rng.int(payload.length + 1)),
            ...other.slice(rng.int(other.length + 1)),
          ]);
        }
        break;
      case 7: // a u32 or u16 field at a random place set to its extremes
        if (payload.length >= 4)
          payload.set(
            rng.pick([
              [0xff, 0xff, 0xff, 0xff],
              [0, 0, 0, 0],
              [0xa0, 0x05, 0, 0],
            ]),
            rng.int(payload.length - 3),
          );
        break;
      default:
        seq = rng.pick([0, 1, 255]);
    }
  }
  if (payload.length > 1024) payload = payload.slice(0, 1024);
  const frame: Uint8Array = encodeFrame({ seq, type, payload });
  if (rng.next() < 0.1) {
    // Damage below the message: header, length, CRC, or the frame cut short or run on.
    const bad = frame.slice();
    const what = rng.int(4);
    if (what === 0) bad[rng.int(HEADER_BYTES)] = rng.int(256);
    else if (what === 1) {
      const at = bad.length - 1 - rng.int(TRAILER_BYTES);
      bad[at] = (bad[at] ?? 0) ^ (1 + rng.int(255));
    } else if (what === 2) return bad.slice(0, rng.int(bad.length));
    else return Uint8Array.from([...bad, ...rng.bytes(1 + rng.int(8))]);
    return bad;
  }
  return frame;
}

const FRAME_ERRORS = new Set<FrameError['kind']>([
  'BAD_SYNC',
  'BAD_VERSION',
  'OVERSIZE',
  'TRUNCATED',
  'BAD_CRC',
  'TRAILING_BYTES',
]);
const MESSAGE_ERRORS = new Set<MessageError['kind']>(['UNKNOWN_TYPE', 'BAD_PAYLOAD', 'BAD_FIELD']);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Plain checks in the hot loop (100,000 frames): a failure throws with its reason. */
export function assert(condition: boolean, reason: string): asserts condition {
  if (!condition) throw new Error(reason);
}

/** One frame through the decoders: a typed error, or exactly what the frame carries. Returns the outcome's name. */
export function check(bytes: Uint8Array): string {
  const frame = decodeFrame(bytes);
  if (!frame.ok) {
    assert(FRAME_ERRORS.has(frame.error.kind), `untyped frame error ${JSON.stringify(frame.error)}`);
    return `frame:${frame.error.kind}`;
  }
  const crcEnd = bytes.length - TRAILER_BYTES;
  assert(
    crc16(bytes, 2, crcEnd) === ((bytes[crcEnd] ?? 0) | ((bytes[crcEnd + 1] ?? 0) << 8)),
    'accepted a frame with a bad CRC',
  );
  const decoded = decodeMessage(frame.frame.type, frame.frame.payload);
  if (!decoded.ok) {
    assert(MESSAGE_ERRORS.has(decoded.error.kind), `untyped message error ${JSON.stringify(decoded.error)}`);
    return `message:${decoded.error.kind}`;
  }
  // Accepted: re-encoding gives back the very bytes, so nothing was read as absent, zero or rounded.
  const again = encodeMessage(decoded.message);
  assert(
    again.type === frame.frame.type && sameBytes(again.payload, frame.frame.payload),
    `${decoded.message.type} does not re-encode to its own bytes`,
  );
  if (decoded.message.type !== 'STATUS') return `ok:${decoded.message.type}`;
  const w = decoded.message.status;
  const status = fromWireStatus(w);
  if (!status.ok) {
    assert(
      status.error.code === 'COMMUNICATION_FAILED' && status.error.field !== undefined,
      `untyped status error ${JSON.stringify(status.error)}`,
    );
    return 'status:refused';
  }
  const s = status.value;
  assert(s.serial === w.serial, 'serial');
  assert(dec(s.reservoirVolume.value).eq(dec(w.reservoirUl).div(1000)), 'reservoir not exact');
  assert(s.rate.value === str(dec(w.rateUlPerDay).div(1000)), 'rate not exact');
  assert(s.lastTransactionId === (w.lastTx === null ? null : bytesToUuid(w.lastTx)), 'last transaction');
  assert((s.steps?.length ?? 0) === w.steps.length, 'steps');
  return 'status:ok';
}
