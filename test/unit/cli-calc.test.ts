import { describe, expect, it } from 'vitest';
import { json, pumpctl } from './pumpctl';

describe('pumpctl calc', () => {
  it('rate', () => {
    const run = pumpctl(['calc', 'rate'], {
      concentration: { value: '25', unit: 'mcg/mL' },
      dailyDose: { value: '1.2', unit: 'mcg/day' },
    });
    expect(run.status).toBe(0);
    expect(json(run)).toMatchObject({ rate: { value: '0.048', unit: 'mL/day' } });
  });

  it('bridge', () => {
    const run = pumpctl(['calc', 'bridge'], {
      dailyDose: { value: '400', unit: 'mcg/day' },
      oldConcentration: { value: '500', unit: 'mcg/mL' },
      newConcentration: { value: '2', unit: 'mg/mL' },
      deadVolume: { value: '0.5', unit: 'mL' },
    });
    expect(json(run)).toEqual({
      oldRate: { value: '0.8', unit: 'mL/day' },
      newRate: { value: '0.2', unit: 'mL/day' },
      bridgeVolume: { value: '0.5', unit: 'mL' },
      bridgeDurationHours: '15',
    });
  });

  it('flex answers in the concentration’s mass unit', () => {
    const run = pumpctl(['calc', 'flex'], {
      concentration: { value: '500', unit: 'mcg/mL' },
      steps: [
        { start: '00:00', rate: { value: '0.12', unit: 'mL/day' } },
        { start: '12:00', rate: { value: '0.24', unit: 'mL/day' } },
      ],
    });
    expect(json(run)).toEqual({
      dailyVolume: { value: '0.18', unit: 'mL' },
      dailyDose: { value: '90', unit: 'mcg/day' },
      peakHourlyDose: { value: '5', unit: 'mcg/h' },
    });
  });

  it('refill', () => {
    const run = pumpctl(['calc', 'refill'], {
      capacity: { value: '40', unit: 'mL' },
      alarmVolume: { value: '2', unit: 'mL' },
      fillVolume: { value: '38', unit: 'mL' },
      rate: { value: '0.5', unit: 'mL/day' },
      fillDate: '2026-03-01',
      stabilityDays: '90',
      replaceByDate: '2027-01-01',
    });
    expect(json(run)).toEqual({
      daysToAlarm: '72',
      alarmDate: '2026-05-12',
      nextRefillDate: '2026-05-12',
      limitingFactor: 'alarm',
    });
  });

  it.each([
    [
      'an unknown field',
      ['calc', 'rate'],
      { concentration: { value: '1', unit: 'mg/mL' }, dailyDose: { value: '1', unit: 'mg/day' }, colour: 'red' },
      'colour',
    ],
    [
      'a wrong unit',
      ['calc', 'rate'],
      { concentration: { value: '1', unit: 'g/L' }, dailyDose: { value: '1', unit: 'mg/day' } },
      'unit',
    ],
    [
      'a negative value',
      ['calc', 'rate'],
      { concentration: { value: '-1', unit: 'mg/mL' }, dailyDose: { value: '1', unit: 'mg/day' } },
      'concentration.value',
    ],
    [
      'a number instead of a decimal string',
      ['calc', 'rate'],
      { concentration: { value: 1, unit: 'mg/mL' }, dailyDose: { value: '1', unit: 'mg/day' } },
      'decimal string',
    ],
    [
      'a zero concentration',
      ['calc', 'rate'],
      { concentration: { value: '0', unit: 'mg/mL' }, dailyDose: { value: '1', unit: 'mg/day' } },
      'greater than zero',
    ],
    [
      'an overfill',
      ['calc', 'refill'],
      {
        capacity: { value: '20', unit: 'mL' },
        alarmVolume: { value: '2', unit: 'mL' },
        fillVolume: { value: '21', unit: 'mL' },
        rate: { value: '0.5', unit: 'mL/day' },
        fillDate: '2026-03-01',
      },
      'capacity',
    ],
    [
      'a flex gap',
      ['calc', 'flex'],
      {
        concentration: { value: '1', unit: 'mg/mL' },
        steps: [{ start: '01:00', rate: { value: '1', unit: 'mL/day' } }],
      },
      '00:00',
    ],
    ['not JSON at all', ['calc', 'rate'], '{"concentration": ', 'not valid JSON'],
    ['no input', ['calc', 'rate'], '', 'no input'],
  ])('exits 2 on %s, with the error as JSON on stdout under --json', (_name, args, input, text) => {
    const run = pumpctl([...args, '--json'], input);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(text);
    const out = json(run) as { error: { code: string; message: string } };
    expect(['INVALID_INPUT', 'OUT_OF_RANGE']).toContain(out.error.code);
    expect(out.error.message).toContain(text);
  });

  it('exits 1 on an unknown calculation', () => {
    expect(pumpctl(['calc', 'dose'], {}).status).toBe(1);
  });
});
