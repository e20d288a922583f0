import * as z from 'zod';
import { DECIMAL_INPUT } from '../quantity';
import { TIME_OF_DAY } from '../clock';

// The grammar every wire schema of core/api shares: decimals as typed, dates, bounded text, times of day.

export const Decimal = z.string().regex(DECIMAL_INPUT, 'a decimal number such as 12.5');
export const IsoDate = z.iso.date();
export const Text = (max: number) => z.string().trim().max(max);
/** A time of day, `HH:MM` (00:00 to 23:59), the one grammar of core/clock.ts. */
export const HHMM = z.string().regex(TIME_OF_DAY, 'a time of day HH:MM');
/** A named message of core/message-table.ts and its values, said in the reader's language. */
export const NamedMessageSchema = z.strictObject({ key: z.string(), params: z.record(z.string(), z.string()) });
export const QuantitySchema = z.strictObject({ value: z.string(), unit: z.string() });
