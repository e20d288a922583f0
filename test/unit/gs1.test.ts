import { describe, expect, it } from 'vitest';
import { parseGs1 } from '../../renderer/features/refill/gs1';

describe('the syringe label scan field (GS1)', () => {
  it('reads lot and expiry from the printed form', () => {
    expect(parseGs1('(01)09506000134352(17)270131(10)MOR-42')).toEqual({
      gtin: '09506000134352',
      expiry: '2027-01-31',
      lot: 'MOR-42',
    });
  });
  it('reads raw scanner output with a group separator after the lot', () => {
    expect(parseGs1('0109506000134352' + '10ABC123\x1d' + '17261200')).toEqual({
      gtin: '09506000134352',
      lot: 'ABC123',
      expiry: '2026-12-31',
    });
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

describe('the pharmacy’s syringe label (the refill-only visit reads everything from one scan)', () => {
  const label =
    '(01)09506000134352(17)301231(10)MOR-7781(3153)000020(91)MORPHINE(92)10MG/ML(93)Pharmacist Sun(94)Pharmacist Zhou';
  it('reads the drug, concentration, net volume and who prepared and checked it', () => {
    expect(parseGs1(label)).toEqual({
      gtin: '09506000134352',
      expiry: '2030-12-31',
      lot: 'MOR-7781',
      volumeMl: '20',
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      preparedBy: 'Pharmacist Sun',
      checkedBy: 'Pharmacist Zhou',
    });
  });
  it('reads the same from raw scanner output, four-digit measure identifiers included', () => {
    expect(parseGs1('17301231' + '3153000040' + '10L9\x1d' + '91BACLOFEN\x1d' + '92500MCG/ML')).toEqual({
      expiry: '2030-12-31',
      volumeMl: '40',
      lot: 'L9',
      drug: 'baclofen',
      concentration: { value: '500', unit: 'mcg/mL' },
    });
  });
  it('leaves out what it cannot read: an unknown drug, a concentration without a unit, a zero volume', () => {
    expect(parseGs1('(91)ASPIRIN(92)10(3153)000000(10)L1')).toEqual({ lot: 'L1' });
  });
});
