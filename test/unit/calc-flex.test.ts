import { describe, expect, it } from 'vitest';
import { flexSummary } from '../../core/calc/flex';

const mL = (value: string) => ({ value, unit: 'mL' as const });
const perDay = (value: string) => ({ value, unit: 'mL/day' as const });

describe('flex schedules', () => {
  const c = { value: '10', unit: 'mg/mL' as const };
  it('sums each step over its hours and reports the peak hourly dose', () => {
    const r = flexSummary({
      concentration: c,
      steps: [
        { start: '00:00', rate: perDay('0.2') },
        { start: '08:00', rate: perDay('0.5') },
        { start: '20:00', rate: perDay('0.2') },
      ],
    });
    // 0.2 × 8/24 + 0.5 × 12/24 + 0.2 × 4/24 = 0.35 mL; × 10 mg/mL = 3.5 mg/day; peak 0.5 × 10 / 24.
    expect(r).toEqual({
      ok: true,
      value: {
        dailyVolume: mL('0.35'),
        dailyDose: { value: '3.5', unit: 'mg/day' },
        peakHourlyDose: { value: '0.2083', unit: 'mg/h' },
      },
    });
  });

  it.each([
    ['a first step after midnight', [{ start: '01:00', rate: perDay('1') }], 'steps.0.start'],
    [
      'an overlap',
      [
        { start: '00:00', rate: perDay('1') },
        { start: '06:00', rate: perDay('1') },
        { start: '06:00', rate: perDay('2') },
      ],
      'steps.2.start',
    ],
    [
      'steps out of order',
      [
        { start: '00:00', rate: perDay('1') },
        { start: '12:00', rate: perDay('1') },
        { start: '06:00', rate: perDay('2') },
      ],
      'steps.2.start',
    ],
    [
      'a time that does not exist',
      [
        { start: '00:00', rate: perDay('1') },
        { start: '24:00', rate: perDay('1') },
      ],
      'steps.1.start',
    ],
    ['no steps', [], 'steps'],
    [
      '14 steps',
      Array.from({ length: 14 }, (_v, i) => ({ start: `${String(i).padStart(2, '0')}:00`, rate: perDay('1') })),
      'steps',
    ],
  ])('refuses %s with the field named', (_name, steps, field) => {
    expect(flexSummary({ concentration: c, steps })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field },
    });
  });
});
