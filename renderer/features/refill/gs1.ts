/**
 * Reads the lot (AI 10) and expiry (AI 17, YYMMDD) from a GS1 label scanned into a text field,
 * in its printed form `(01)…(17)270131(10)LOT42` or as raw scanner output with FNC1 (GS, \x1d)
 * after variable-length fields. Other application identifiers are skipped. An expiry day of 00
 * means the end of that month, as GS1 specifies.
 */
export function parseGs1(text: string): { lot?: string; expiry?: string; gtin?: string } {
  const out: { lot?: string; expiry?: string; gtin?: string } = {};
  const fields = text.includes('(') ? bracketed(text) : raw(text.replace(/^\]C1|^\]d2/, ''));
  for (const [ai, value] of fields) {
    if (ai === '01' && /^\d{14}$/.test(value)) out.gtin = value;
    if (ai === '10' && value !== '') out.lot = value.slice(0, 20);
    if (ai === '17' && /^\d{6}$/.test(value)) {
      const expiry = expiryDate(value);
      if (expiry !== undefined) out.expiry = expiry;
    }
  }
  return out;
}

function bracketed(text: string): Array<[string, string]> {
  return [...text.matchAll(/\((\d{2,4})\)([^(]*)/g)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]);
}

/** Fixed-length AIs used on syringe labels; the rest run to the next GS or the end. */
const FIXED: Record<string, number> = { '01': 14, '11': 6, '13': 6, '15': 6, '17': 6 };

function raw(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let i = 0;
  while (i + 2 <= text.length) {
    const ai = text.slice(i, i + 2);
    i += 2;
    const length = FIXED[ai];
    if (length !== undefined) {
      out.push([ai, text.slice(i, i + length)]);
      i += length;
    } else {
      const end = text.indexOf('\x1d', i);
      out.push([ai, text.slice(i, end === -1 ? undefined : end)]);
      i = end === -1 ? text.length : end + 1;
    }
    if (text[i] === '\x1d') i += 1;
  }
  return out;
}

function expiryDate(yymmdd: string): string | undefined {
  const year = 2000 + Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  let day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) return undefined;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0) day = lastDay;
  if (day > lastDay) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
