// The STATUS decoder writes wire integers as decimal text by moving the decimal point
// (shiftedText), not through decimal.js: the text must be exactly what decimal.js gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, str } from '../../core/decimal';
import { bytesToUuid, exactMl, shiftedText, uuidToBytes } from '../../drivers/protocol/convert';

const U32_MAX = 0xffff_ffff;
const byDecimal = (n: number, e: 3 | 6) => str(dec(`${n}e-${e}`));
const edges = [
  0,
  1,
  9,
  10,
  99,
  100,
  999,
  1000,
  1001,
  10_000,
  100_000,
  999_999,
  1_000_000,
  1_000_001,
  300,
  16_100,
  U32_MAX,
];

describe('wire integers as exact decimal text', () => {
  it('shiftedText gives what decimal.js gives, for every u32 tried and both scales', () => {
    for (const e of [3, 6] as const) for (const n of edges) expect(shiftedText(n, e)).toBe(byDecimal(n, e));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: U32_MAX }), fc.constantFrom<3 | 6>(3, 6), (n, e) => {
        expect(shiftedText(n, e)).toBe(byDecimal(n, e));
      }),
      { numRuns: 50_000 },
    );
    // Round numbers, where trailing zeros must go.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_294_967 }), fc.constantFrom<3 | 6>(3, 6), (n, e) => {
        expect(shiftedText(n * 1000, e)).toBe(byDecimal(n * 1000, e));
      }),
      { numRuns: 20_000 },
    );
  });

  it('exactMl: exact µL as mL with at least one decimal place', () => {
    expect(exactMl(16_100)).toBe('16.1');
    expect(exactMl(16_000)).toBe('16.0');
    expect(exactMl(16_123)).toBe('16.123');
    expect(exactMl(0)).toBe('0.0');
    expect(exactMl(5)).toBe('0.005');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: U32_MAX }), (n) => {
        const v = dec(`${n}e-3`);
        expect(exactMl(n)).toBe(v.toFixed(Math.max(1, v.decimalPlaces())));
      }),
      { numRuns: 30_000 },
    );
  });

  it('refuses what is not a wire integer', () => {
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      expect(() => shiftedText(n, 3)).toThrow(RangeError);
  });
});

describe('transaction ids on the wire', () => {
  it('bytesToUuid and uuidToBytes give what the straightforward conversions give', () => {
    const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const h = hexOf(b);
        const text = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
        expect(bytesToUuid(b)).toBe(text);
        expect(uuidToBytes(text)).toEqual(b);
        expect(uuidToBytes(text.toUpperCase())).toEqual(b);
        expect(uuidToBytes(h)).toEqual(b);
      }),
      { numRuns: 5_000 },
    );
    for (const bad of ['', 'not-a-uuid', '0123456789abcdef0123456789abcde', '0123456789abcdef0123456789abcdefg'])
      expect(() => uuidToBytes(bad)).toThrow(RangeError);
  });
});
