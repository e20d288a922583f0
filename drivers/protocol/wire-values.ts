// Times, dates, the UTC offset and identifiers as the wand protocol carries them
// (docs/wand-protocol.md, "Quantities on the wire"); convert.ts re-exports them.
import { said } from '../../core/messages';
import { err, ok, type Result } from '../../core/result';
import { isWireUtcOffset, MAX_UTC_OFFSET_MINUTES, MIN_UTC_OFFSET_MINUTES } from './message-types';

/** Protocol epoch: 2000-01-01T00:00:00Z. */
const EPOCH_MS = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;
const U32_MAX = 0xffffffff;

/** The last instant the wire's u32 clock can carry (2136-02-07T06:28:15Z). */
export const LAST_WIRE_TIME = new Date(EPOCH_MS + U32_MAX * 1000);

/** The wire's pump time 0 (2000-01-01T00:00:00Z) is reserved: the pump has no clock (docs/wand-protocol.md). */
export const NO_CLOCK = 0;

/**
 * A clock time as the wire's u32 seconds since 2000-01-01T00:00:00Z, or an error: a time in the
 * first second of 2000 (time 0 is `NO_CLOCK`), before it or after `LAST_WIRE_TIME` is refused,
 * never wrapped round.
 */
export function wireTime(time: Date, field = 'time'): Result<number> {
  const ms = time.getTime();
  const seconds = Math.floor((ms - EPOCH_MS) / 1000);
  if (!Number.isFinite(ms) || seconds <= NO_CLOCK || seconds > U32_MAX) {
    const shown = Number.isFinite(ms) ? time.toISOString() : 'an invalid date';
    return err(said('OUT_OF_RANGE', 'pumpClockRange', { last: LAST_WIRE_TIME.toISOString(), time: shown }, field));
  }
  return ok(seconds);
}

/**
 * The clinic's UTC offset as the wire carries it (whole minutes, −720…+840), or an error: an
 * offset outside that range is refused before anything is sent.
 */
export function wireUtcOffset(minutes: number, field = 'utcOffsetMinutes'): Result<number> {
  if (!isWireUtcOffset(minutes)) {
    return err(
      said(
        'OUT_OF_RANGE',
        'pumpUtcOffsetRange',
        { min: String(MIN_UTC_OFFSET_MINUTES), max: String(MAX_UTC_OFFSET_MINUTES), offset: String(minutes) },
        field,
      ),
    );
  }
  return ok(minutes);
}

/** Like `wireTime`, for the pump's own times (simulator): out of range is a programming error. */
export const toWireTime = (time: Date): number => {
  const t = wireTime(time);
  if (!t.ok) throw new RangeError(t.error.message);
  return t.value;
};
export const fromWireTime = (seconds: number): string => new Date(EPOCH_MS + seconds * 1000).toISOString();
/** A time the pump stamps by its clock (`STATUS` pump time, an alarm's since): `NO_CLOCK` is null, never a date. */
export const fromWireClock = (seconds: number): string | null => (seconds === NO_CLOCK ? null : fromWireTime(seconds));
/** The pump side of `fromWireClock`: null (no clock) is `NO_CLOCK`. */
export const toWireClock = (time: string | null): number => (time === null ? NO_CLOCK : toWireTime(new Date(time)));
export const toWireDay = (date: string): number => Math.round((Date.parse(`${date}T00:00:00Z`) - EPOCH_MS) / DAY_MS);
export const fromWireDay = (days: number): string => new Date(EPOCH_MS + days * DAY_MS).toISOString().slice(0, 10);

/** Two hex digits of each byte value. */
const HEX = Array.from({ length: 256 }, (_v, i) => i.toString(16).padStart(2, '0'));

/** A UUID's 16 bytes: 32 hex digits once its hyphens are taken out, anything else refused. */
export const uuidToBytes = (uuid: string): Uint8Array => {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new RangeError(`not a UUID: ${uuid}`);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
};
export const bytesToUuid = (b: Uint8Array): string => {
  let h = '';
  for (let i = 0; i < b.length; i++) {
    h += HEX[b[i] ?? 0];
    if (i === 3 || i === 5 || i === 7 || i === 9) h += '-';
  }
  return h;
};
