/** Calendar dates as `YYYY-MM-DD`, computed in UTC so no time zone or DST shifts a refill date. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDate(value: string): number | undefined {
  const m = DATE.exec(value);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Reject dates that Date would roll over (2026-02-30 → March 2).
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : undefined;
}

/** The `YYYY-MM-DD` of a UTC instant in milliseconds (the inverse of parseDate). */
const isoDateOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string | undefined => {
  const t = parseDate(date);
  return t === undefined ? undefined : isoDateOf(t + days * 86_400_000);
};

export const isValidDate = (value: string): boolean => parseDate(value) !== undefined;
