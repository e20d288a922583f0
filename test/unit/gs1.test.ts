import { describe, expect, it } from 'vitest';
import { parseGs1 } from '../../renderer/features/refill/gs1';

describe('the syringe label scan field (GS1)', () => {
  it('reads lot and expiry from the printed form', () => {
    expect(parseGs1('(01)09506000134352(17)270131(10)MOR-42')).toEqual({ gtin: '09506000134352', expiry: '2027-01-31', lot: 'MOR-42' });
  });
  it('reads raw scanner output with a group separator after the lot', () => {
    expect(parseGs1('0109506000134352' + '10ABC123\x1d' + '17261200')).toEqual({ gtin: '09506000134352', lot: 'ABC123', expiry: '2026-12-31' });
  });
  it('ignores an impossible expiry instead of inventing a date', () => {
    expect(parseGs1('(17)271340(10)L1')).toEqual({ lot: 'L1' });
    expect(parseGs1('(17)270231')).toEqual({});
  });
  it('returns nothing for text that is not a GS1 label', () => {
    expect(parseGs1('')).toEqual({});
    expect(parseGs1('hello')).toEqual({});
  });
});
