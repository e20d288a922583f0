/** Dates and times in the interface language's format; decimal quantities stay exact strings. */
export const formatDateTime = (iso: string, language: string): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

export const formatDate = (isoDate: string, language: string): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(isoDate.length === 10 ? `${isoDate}T00:00:00Z` : isoDate));

/** A decimal string with the locale's digit grouping, without converting it to a binary float. */
export const formatDecimal = (value: string, language: string): string => {
  const [whole = '0', fraction] = value.split('.');
  const grouped = new Intl.NumberFormat(language, { useGrouping: true }).format(BigInt(whole.replace('-', ''))) ;
  return `${whole.startsWith('-') ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
};
