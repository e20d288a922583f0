import { describe, expect, it } from 'vitest';
import { refillForecast, type RefillInput } from '../../core/calc/refill';
import { addDays } from '../../core/calc/dates';

const mL = (value: string) => ({ value, unit: 'mL' as const });
const perDay = (value: string) => ({ value, unit: 'mL/day' as const });

describe('refill forecast', () => {
  const base: RefillInput = {
    capacity: mL('20'),
    alarmVolume: mL('2'),
    fillVolume: mL('20'),
    rate: perDay('0.3'),
    fillDate: '2026-03-01',
  };

  it('counts days to the alarm assuming every patient bolus is taken', () => {
    expect(refillForecast(base)).toEqual({
      ok: true,
      value: { daysToAlarm: '60', alarmDate: '2026-04-30', nextRefillDate: '2026-04-30', limitingFactor: 'alarm' },
    });
    const withBoluses = refillForecast({ ...base, maxBolusVolumePerDay: perDay('0.1') });
    expect(withBoluses).toMatchObject({ ok: true, value: { daysToAlarm: '45', alarmDate: '2026-04-15' } });
  });

  it('rounds days down, never promising a later alarm', () => {
    // 18 / 0.7 = 25.714… days → 25.71, alarm after 25 whole days.
    expect(refillForecast({ ...base, rate: perDay('0.7') })).toMatchObject({
      ok: true,
      value: { daysToAlarm: '25.71', alarmDate: '2026-03-26' },
    });
  });

  it('takes the earliest of alarm, stability and battery, and says which', () => {
    expect(refillForecast({ ...base, stabilityDays: 45 })).toMatchObject({
      ok: true,
      value: { nextRefillDate: '2026-04-15', limitingFactor: 'stability' },
    });
    expect(refillForecast({ ...base, stabilityDays: 90, replaceByDate: '2026-04-01' })).toMatchObject({
      ok: true,
      value: { nextRefillDate: '2026-04-01', limitingFactor: 'battery' },
    });
  });

  it('flags a discrepancy above 1 mL in a 20 mL pump and above 2 mL in a larger one', () => {
    const small = refillForecast({ ...base, expectedResidual: mL('4.2'), withdrawnVolume: mL('2.9') });
    expect(small).toMatchObject({ ok: true, value: { discrepancy: mL('1.3'), discrepancyFlag: true } });
    const large = refillForecast({
      ...base,
      capacity: mL('40'),
      expectedResidual: mL('4.2'),
      withdrawnVolume: mL('2.9'),
    });
    expect(large).toMatchObject({ ok: true, value: { discrepancy: mL('1.3'), discrepancyFlag: false } });
    const negative = refillForecast({
      ...base,
      capacity: mL('40'),
      expectedResidual: mL('3'),
      withdrawnVolume: mL('5.5'),
    });
    expect(negative).toMatchObject({ ok: true, value: { discrepancy: mL('-2.5'), discrepancyFlag: true } });
  });

  it('refuses an overfill beyond the reservoir capacity', () => {
    expect(refillForecast({ ...base, fillVolume: mL('20.5') })).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE', field: 'fillVolume.value' },
    });
  });

  it('refuses half a discrepancy pair and impossible dates', () => {
    expect(refillForecast({ ...base, expectedResidual: mL('3') })).toMatchObject({
      ok: false,
      error: { field: 'withdrawnVolume' },
    });
    expect(refillForecast({ ...base, fillDate: '2026-02-30' })).toMatchObject({
      ok: false,
      error: { field: 'fillDate' },
    });
  });

  it('adds days across month and leap-year ends in UTC', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
