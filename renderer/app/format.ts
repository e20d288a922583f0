/** Dates and times in the interface language's format; decimal quantities stay exact strings. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const styles: Record<'date' | 'dateTime' | 'dateTimeShort', Intl.DateTimeFormatOptions> = {
  date: { dateStyle: 'medium', timeZone: 'UTC' },
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  // A narrow column (the audit list): 2026/12/1 23:05, 12/1/26, 11:05 PM.
  dateTimeShort: { dateStyle: 'short', timeStyle: 'short' },
};
const formatter = (language: string, kind: keyof typeof styles): Intl.DateTimeFormat => {
  const key = `${language}|${kind}`;
  let f = formatters.get(key);
  if (f === undefined) {
    // Building a formatter costs far more than using one: one per language and kind, kept.
    f = new Intl.DateTimeFormat(language, styles[kind]);
    formatters.set(key, f);
  }
  return f;
};

export const formatDateTime = (iso: string, language: string): string =>
  formatter(language, 'dateTime').format(new Date(iso));

/** A date and time in few characters, for a narrow column; the full form belongs in its title or details. */
export const formatDateTimeShort = (iso: string, language: string): string =>
  formatter(language, 'dateTimeShort').format(new Date(iso));

export const formatDate = (isoDate: string, language: string): string =>
  formatter(language, 'date').format(new Date(isoDate.length === 10 ? `${isoDate}T00:00:00Z` : isoDate));

/** Translates a key with a default (i18next's TFunction, kept structural so this file needs no i18n import). */
type Translate = (key: string, options: { defaultValue: string }) => string;

/** A unit as clinicians write it in the interface language (`unitName`: mg/天, μg/天 in Chinese); unknown units as given. */
export const unitText = (t: Translate, unit: string): string => t(`unitName.${unit}`, { defaultValue: unit });

/**
 * A quantity as the pump and the service give it: its exact decimal string and its unit, the unit
 * said through `unitName` in the interface language (3.6 mg/天, 150 μg/天). The one way a screen or
 * paper writes a quantity: never `${value} ${unit}` by hand.
 */
export const formatQuantity = (quantity: { value: string; unit: string }, t: Translate): string =>
  `${quantity.value} ${unitText(t, quantity.unit)}`;

/** A volume in mL, as typed or recorded (a bare decimal string); '—' when there is none. */
export const formatMl = (value: string | null | undefined, t: Translate): string =>
  value === null || value === undefined || value === '' ? '—' : formatQuantity({ value, unit: 'mL' }, t);

/**
 * A quantity the service sent already written out ("4 mg/day", a row of the Finish screen's
 * comparison), its unit said in the interface language; any other text as given.
 */
export const formatQuantityText = (text: string, t: Translate): string => {
  const m = /^(-?\d+(?:\.\d+)?) (\S+)$/.exec(text);
  return m === null ? text : formatQuantity({ value: m[1] ?? '', unit: m[2] ?? '' }, t);
};
