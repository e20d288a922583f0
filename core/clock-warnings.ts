import * as z from 'zod';
import { clinicDate, clinicTime, nextOffsetChange, offsetText, utcOffsetMinutes } from './clock';
import type { TherapyMode } from './pump';

/**
 * Warnings about the pump's clock against the clinic's: codes with their parameters as text, for
 * the interface to translate.
 *
 * - `PUMP_CLOCK_LOST`: the pump has no clock (never set, or lost: `STATUS` time 0). It runs a flex
 *   program at the schedule's mean rate and refuses a new one until the clock is set.
 *
 * - `PUMP_OFFSET_DIFFERS`: the UTC offset the pump runs its flex schedule by is not the clinic's
 *   offset now (the clock was set in another season, in another zone, or never with an offset).
 *   Flex steps then start at the wrong clinic time until the clock is set again.
 * - `DST_CHANGE_SOON`: the program is flex and the clinic's offset changes (daylight saving)
 *   within `DST_WARNING_DAYS`: from that instant the pump's steps run an hour off clinic time until
 *   the clock is set again.
 */
export const ClockWarningSchema = z.discriminatedUnion('code', [
  /** The clinic's time zone (IANA name), whose time and offset setting the clock gives the pump. */
  z.strictObject({ code: z.literal('PUMP_CLOCK_LOST'), params: z.strictObject({ timeZone: z.string() }) }),
  z.strictObject({
    code: z.literal('PUMP_OFFSET_DIFFERS'),
    /** Offsets as `+08:00` text; the clinic's time zone by its IANA name. */
    params: z.strictObject({ pump: z.string(), clinic: z.string(), timeZone: z.string() }),
  }),
  z.strictObject({
    code: z.literal('DST_CHANGE_SOON'),
    /**
     * `at`: the instant of the change (ISO 8601 UTC); `date` and `time`: the clinic's date and
     * wall-clock time just after it (`YYYY-MM-DD`, `HH:MM`); `from` and `to`: the offsets as
     * `+08:00` text; the clinic's time zone by its IANA name.
     */
    params: z.strictObject({
      at: z.iso.datetime(),
      date: z.iso.date(),
      time: z.string(),
      from: z.string(),
      to: z.string(),
      timeZone: z.string(),
    }),
  }),
]);
export type ClockWarning = z.infer<typeof ClockWarningSchema>;

/** A daylight-saving change this close (days) to a flex program is warned of. */
const DST_WARNING_DAYS = 7;

/** What the warnings read from a pump's status. */
export interface ClockWarningInput {
  /** The offset the pump reports it runs its flex schedule by; undefined when the reading carries none. */
  pumpOffsetMinutes: number | undefined;
  mode: TherapyMode;
  /** False when the pump reports no clock; absent is taken as a clock. */
  pumpHasClock?: boolean;
}

/**
 * The clock warnings for a pump at an instant in the clinic's time zone (IANA name). A reading
 * that carries no offset gives no offset warning: there is nothing to compare.
 */
export function clockWarnings(pump: ClockWarningInput, now: Date, timeZone: string): ClockWarning[] {
  const warnings: ClockWarning[] = [];
  const clinic = utcOffsetMinutes(now, timeZone);
  if (pump.pumpHasClock === false) warnings.push({ code: 'PUMP_CLOCK_LOST', params: { timeZone } });
  if (pump.pumpOffsetMinutes !== undefined && pump.pumpOffsetMinutes !== clinic) {
    warnings.push({
      code: 'PUMP_OFFSET_DIFFERS',
      params: { pump: offsetText(pump.pumpOffsetMinutes), clinic: offsetText(clinic), timeZone },
    });
  }
  if (pump.mode === 'flex') {
    const change = nextOffsetChange(now, timeZone, DST_WARNING_DAYS);
    if (change !== undefined) {
      warnings.push({
        code: 'DST_CHANGE_SOON',
        params: {
          at: change.at.toISOString(),
          date: clinicDate(change.at, timeZone),
          time: clinicTime(change.at, timeZone),
          from: offsetText(change.fromMinutes),
          to: offsetText(change.toMinutes),
          timeZone,
        },
      });
    }
  }
  return warnings;
}
