/**
 * The clinic's clock. Every calendar date a clinician reads or types (syringe expiry, fill date,
 * next refill date) is the clinic's local date, and flex step times are clinic local time. The
 * time zone is an IANA name (a site setting, by default the workstation's own zone).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
const partsFormatter = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

export const isValidTimeZone = (timeZone: string): boolean => {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
};

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const localParts = (instant: Date, timeZone: string): LocalParts => {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(instant))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts['year'] ?? 0,
    month: parts['month'] ?? 0,
    day: parts['day'] ?? 0,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The clinic's calendar date at an instant, `YYYY-MM-DD`. */
export const clinicDate = (instant: Date, timeZone: string): string => {
  const p = localParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
};

/** The clinic's wall-clock time at an instant, `HH:MM`. */
export const clinicTime = (instant: Date, timeZone: string): string => {
  const p = localParts(instant, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
};

/** Minutes the clinic's clock is ahead of UTC at an instant (Beijing +480, New York −300 or −240). */
export const utcOffsetMinutes = (instant: Date, timeZone: string): number => {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
};

/**
 * The next change of the clinic's UTC offset (daylight saving) within `days`, or undefined. Found
 * by stepping an hour at a time, then narrowing to the minute.
 */
export function nextOffsetChange(
  instant: Date,
  timeZone: string,
  days = 7,
): { at: Date; fromMinutes: number; toMinutes: number } | undefined {
  const start = utcOffsetMinutes(instant, timeZone);
  const hour = 3_600_000;
  for (let t = instant.getTime() + hour; t <= instant.getTime() + days * 24 * hour; t += hour) {
    const offset = utcOffsetMinutes(new Date(t), timeZone);
    if (offset !== start) {
      let low = t - hour;
      let high = t;
      while (high - low > 60_000) {
        const mid = low + Math.floor((high - low) / 120_000) * 60_000;
        if (utcOffsetMinutes(new Date(mid), timeZone) === start) low = mid;
        else high = mid;
      }
      return { at: new Date(high), fromMinutes: start, toMinutes: offset };
    }
  }
  return undefined;
}

/** `+08:00` style text of an offset in minutes. */
/**
 * No pump clock is set from a computer whose clock reads earlier than this (a workstation whose
 * clock was reset, to 2000 or to 1970): the pump would run its flex steps by a wrong day and time.
 */
export const EARLIEST_PLAUSIBLE_CLOCK = '2025-01-01T00:00:00Z';

export const offsetText = (minutes: number): string =>
  `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;

/** A clinic wall-clock time as an instant, or why it names none (a time the clocks skipped). */
export type LocalInstant =
  { ok: true; instant: Date; ambiguous: boolean } | { ok: false; reason: 'invalid' | 'nonexistent' };

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A time of day, `HH:MM` from 00:00 to 23:59: the one grammar of a clinic wall-clock time (core/api uses it too). */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

/**
 * The instant a clinic wall-clock time (`YYYY-MM-DD`, `HH:MM`) names in the clinic's time zone:
 * the inverse of `clinicDate` and `clinicTime`. Tried with the UTC offset in force a day before and
 * a day after (no zone changes its offset twice within two days): a time that matches under neither
 * fell in the hour the clocks skipped (daylight saving starts) and is `nonexistent`; a time that
 * matches under both happened twice (daylight saving ends) and is the earlier one, `ambiguous`.
 */
export function clinicLocalToUtc(date: string, time: string, timeZone: string): LocalInstant {
  const d = LOCAL_DATE.exec(date);
  const t = TIME_OF_DAY.exec(time);
  if (d === null || t === null) return { ok: false, reason: 'invalid' };
  const asUtc = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  if (Number.isNaN(asUtc) || new Date(asUtc).toISOString().slice(0, 10) !== date)
    return { ok: false, reason: 'invalid' };
  const offsets = new Set([
    utcOffsetMinutes(new Date(asUtc - DAY_MS), timeZone),
    utcOffsetMinutes(new Date(asUtc + DAY_MS), timeZone),
  ]);
  const matches = [...offsets]
    .map((offset) => new Date(asUtc - offset * 60_000))
    .filter((instant) => clinicDate(instant, timeZone) === date && clinicTime(instant, timeZone) === time)
    .sort((a, b) => a.getTime() - b.getTime());
  const first = matches[0];
  return first === undefined
    ? { ok: false, reason: 'nonexistent' }
    : { ok: true, instant: first, ambiguous: matches.length > 1 };
}
