import { crc16 } from './crc';

/**
 * The wand frame (docs/wand-protocol.md):
 *
 *   0xA5 0x5A | frame version u8 | length u16 LE | seq u8 | type u8 | payload (length bytes) | CRC-16 u16 LE
 *
 * The CRC covers version … payload. The version byte is the framing's own (1); the message
 * version is exchanged in HELLO. Sequence 0 is reserved for an ERROR about an unreadable request. Frames travel over 64-byte USB bulk packets; a frame longer
 * than one packet simply continues in the next ones.
 */
const SYNC0 = 0xa5;
const SYNC1 = 0x5a;
const PROTOCOL_VERSION = 1;
export const HEADER_BYTES = 7;
export const TRAILER_BYTES = 2;
export const MAX_PAYLOAD = 1024;
export const MAX_FRAME = HEADER_BYTES + MAX_PAYLOAD + TRAILER_BYTES;
export const PACKET_BYTES = 64;

export interface Frame {
  seq: number;
  type: number;
  payload: Uint8Array;
}

export type FrameError =
  | { kind: 'BAD_SYNC' }
  | { kind: 'BAD_VERSION'; version: number }
  | { kind: 'OVERSIZE'; length: number }
  | { kind: 'TRUNCATED'; have: number; need: number }
  | { kind: 'BAD_CRC'; expected: number; actual: number }
  | { kind: 'TRAILING_BYTES'; extra: number };

export function encodeFrame(frame: Frame): Uint8Array {
  if (frame.payload.length > MAX_PAYLOAD)
    throw new RangeError(`payload of ${frame.payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const out = new Uint8Array(HEADER_BYTES + frame.payload.length + TRAILER_BYTES);
  out[0] = SYNC0;
  out[1] = SYNC1;
  out[2] = PROTOCOL_VERSION;
  out[3] = frame.payload.length & 0xff;
  out[4] = frame.payload.length >> 8;
  out[5] = frame.seq & 0xff;
  out[6] = frame.type & 0xff;
  out.set(frame.payload, HEADER_BYTES);
  const crc = crc16(out, 2, HEADER_BYTES + frame.payload.length);
  out[HEADER_BYTES + frame.payload.length] = crc & 0xff;
  out[HEADER_BYTES + frame.payload.length + 1] = crc >> 8;
  return out;
}

/** How many bytes the frame starting at `bytes[0]` needs in all, once its header is in; undefined before. */
export function frameLength(bytes: Uint8Array): number | FrameError | undefined {
  if (bytes.length >= 1 && bytes[0] !== SYNC0) return { kind: 'BAD_SYNC' };
  if (bytes.length >= 2 && bytes[1] !== SYNC1) return { kind: 'BAD_SYNC' };
  if (bytes.length < 5) return undefined;
  const length = (bytes[3] ?? 0) | ((bytes[4] ?? 0) << 8);
  if (length > MAX_PAYLOAD) return { kind: 'OVERSIZE', length };
  return HEADER_BYTES + length + TRAILER_BYTES;
}

/** Decodes exactly one whole frame; every malformed input is a typed error, never an exception. */
export function decodeFrame(bytes: Uint8Array): { ok: true; frame: Frame } | { ok: false; error: FrameError } {
  const need = frameLength(bytes);
  if (need === undefined)
    return { ok: false, error: { kind: 'TRUNCATED', have: bytes.length, need: HEADER_BYTES + TRAILER_BYTES } };
  if (typeof need !== 'number') return { ok: false, error: need };
  if (bytes[2] !== PROTOCOL_VERSION) return { ok: false, error: { kind: 'BAD_VERSION', version: bytes[2] ?? 0 } };
  if (bytes.length < need) return { ok: false, error: { kind: 'TRUNCATED', have: bytes.length, need } };
  if (bytes.length > need) return { ok: false, error: { kind: 'TRAILING_BYTES', extra: bytes.length - need } };
  const end = need - TRAILER_BYTES;
  const expected = (bytes[end] ?? 0) | ((bytes[end + 1] ?? 0) << 8);
  const actual = crc16(bytes, 2, end);
  if (expected !== actual) return { ok: false, error: { kind: 'BAD_CRC', expected, actual } };
  return { ok: true, frame: { seq: bytes[5] ?? 0, type: bytes[6] ?? 0, payload: bytes.slice(HEADER_BYTES, end) } };
}

/** Splits a frame into USB bulk packets of at most 64 bytes. */
export function packetize(frame: Uint8Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (let i = 0; i < frame.length; i += PACKET_BYTES)
    packets.push(frame.subarray(i, Math.min(frame.length, i + PACKET_BYTES)));
  return packets;
}
