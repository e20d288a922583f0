import { dec, str } from '../../../core/decimal';
import { drugs, type Drug } from '../../../core/pump';

export interface Gs1Label {
  gtin?: string;
  lot?: string;
  expiry?: string;
  /** The syringe's net volume (AI 315n, litres with n decimals), in mL. */
  volumeMl?: string;
  /** The pharmacy's in-house fields (GS1 AIs 91–94 are for company internal information). */
  drug?: Drug;
  concentration?: { value: string; unit: 'mg/mL' | 'mcg/mL' };
  preparedBy?: string;
  checkedBy?: string;
}

/**
 * Reads a GS1 label scanned into a text field, in its printed form `(01)…(17)270131(10)LOT42` or
 * as raw scanner output with FNC1 (GS, \x1d) after variable-length fields: the lot (AI 10), the
 * expiry (AI 17, YYMMDD; a day of 00 is the end of that month, as GS1 specifies), the net volume
 * (AI 315n) and the clinic pharmacy's in-house fields: (91) the drug, (92) the concentration such
 * as 10MG/ML, (93) prepared by, (94) checked by. Other application identifiers are skipped;
 * a value that cannot be read is left out, never guessed.
 */
export function parseGs1(text: string): Gs1Label {
  const out: Gs1Label = {};
  const fields = text.includes('(') ? bracketed(text) : raw(text.replace(/^\]C1|^\]d2/, ''));
  for (const [ai, value] of fields) {
    if (ai === '01' && /^\d{14}$/.test(value)) out.gtin = value;
    if (ai === '10' && value !== '') out.lot = value.slice(0, 20);
    if (ai === '17' && /^\d{6}$/.test(value)) {
      const expiry = expiryDate(value);
      if (expiry !== undefined) out.expiry = expiry;
    }
    if (/^315[0-6]$/.test(ai) && /^\d{6}$/.test(value) && !dec(value).isZero())
      out.volumeMl = str(
        dec(value)
          .div(dec(10).pow(Number(ai[3])))
          .mul(1000),
      );
    const drug = value.toLowerCase();
    if (ai === '91' && (drugs as readonly string[]).includes(drug)) out.drug = drug as Drug;
    const c = /^(\d{1,6}(?:\.\d{1,6})?)\s*(MG|MCG)\/ML$/i.exec(value);
    if (ai === '92' && c?.[1] !== undefined && c[2] !== undefined)
      out.concentration = { value: str(dec(c[1])), unit: c[2].toLowerCase() === 'mg' ? 'mg/mL' : 'mcg/mL' };
    if (ai === '93' && value !== '') out.preparedBy = value.slice(0, 60);
    if (ai === '94' && value !== '') out.checkedBy = value.slice(0, 60);
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
    // Measures (31nn–36nn) have four-digit identifiers and six digits of value.
    const four = /^3[1-6]\d\d$/.test(text.slice(i, i + 4));
    const ai = text.slice(i, i + (four ? 4 : 2));
    i += ai.length;
    const length = four ? 6 : FIXED[ai];
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
