/** Dates and times in the interface language's format; decimal quantities stay exact strings. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (language: string, kind: 'date' | 'dateTime'): Intl.DateTimeFormat => {
  const key = `${language}|${kind}`;
  let f = formatters.get(key);
  if (f === undefined) {
    // Building a formatter costs far more than using one: one per language and kind, kept.
    f = new Intl.DateTimeFormat(
      language,
      kind === 'date' ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'medium', timeStyle: 'short' },
    );
    formatters.set(key, f);
  }
  return f;
};

export const formatDateTime = (iso: string, language: string): string =>
  formatter(language, 'dateTime').format(new Date(iso));

export const formatDate = (isoDate: string, language: string): string =>
  formatter(language, 'date').format(new Date(isoDate.length === 10 ? `${isoDate}T00:00:00Z` : isoDate));

/** A quantity as the pump and the service give it: its exact decimal string and its unit. */
export const formatQuantity = (quantity: { value: string; unit: string }): string =>
  `${quantity.value} ${quantity.unit}`;
