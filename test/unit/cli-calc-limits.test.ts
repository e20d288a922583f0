import { describe, expect, it } from 'vitest';
import { json, pumpctl } from './pumpctl';

describe('pumpctl calc honours the pump model’s limits', () => {
  type JsonError = {
    error: { code: string; message: string; field?: string; key?: string; params?: Record<string, string> };
  };
  const steps = (...rates: string[]) =>
    rates.map((value, i) => ({ start: `${String(i * 12).padStart(2, '0')}:00`, rate: { value, unit: 'mL/day' } }));
  const refill = (rate: string, extra: Record<string, unknown> = {}) => ({
    capacity: { value: '40', unit: 'mL' },
    alarmVolume: { value: '2', unit: 'mL' },
    fillVolume: { value: '38', unit: 'mL' },
    rate: { value: rate, unit: 'mL/day' },
    fillDate: '2026-03-01',
    ...extra,
  });
  const bridge = (dose: string) => ({
    dailyDose: { value: dose, unit: 'mcg/day' },
    oldConcentration: { value: '500', unit: 'mcg/mL' },
    newConcentration: { value: '2000', unit: 'mcg/mL' },
    deadVolume: { value: '0.5', unit: 'mL' },
  });

  it.each([
    [
      'flex: a step below the minimum rate',
      ['calc', 'flex'],
      { concentration: { value: '10', unit: 'mg/mL' }, steps: steps('0.01', '0.2') },
      'steps.0.rate.value',
      'rateBelowPumpMin',
      '0.048',
    ],
    [
      'flex: a step above the maximum rate',
      ['calc', 'flex'],
      { concentration: { value: '10', unit: 'mg/mL' }, steps: steps('0.2', '50') },
      'steps.1.rate.value',
      'rateAbovePumpMax',
      '24',
    ],
    [
      'flex: a step off the rate resolution',
      ['calc', 'flex'],
      { concentration: { value: '10', unit: 'mg/mL' }, steps: steps('0.2', '0.2005') },
      'steps.1.rate.value',
      'rateNotPumpStep',
      '0.001',
    ],
    [
      'bridge: an old rate below the minimum',
      ['calc', 'bridge'],
      bridge('1'),
      'oldConcentration.value',
      'rateBelowPumpMin',
      '0.048',
    ],
    [
      'bridge: an old rate above the maximum',
      ['calc', 'bridge'],
      bridge('20000'),
      'oldConcentration.value',
      'rateAbovePumpMax',
      '24',
    ],
    [
      'bridge: a new rate below the minimum',
      ['calc', 'bridge'],
      bridge('50'),
      'newConcentration.value',
      'rateBelowPumpMin',
      '0.048',
    ],
    [
      'refill: a rate below the minimum',
      ['calc', 'refill'],
      refill('0.001'),
      'rate.value',
      'rateBelowPumpMin',
      '0.048',
    ],
    ['refill: a rate above the maximum', ['calc', 'refill'], refill('100'), 'rate.value', 'rateAbovePumpMax', '24'],
    [
      'refill: a capacity above the model’s reservoir',
      ['calc', 'refill', '--pump-model', 'sim-20'],
      refill('0.5', { capacity: { value: '40', unit: 'mL' } }),
      'capacity.value',
      'capacityAbovePump',
      '20',
    ],
  ])('%s exits 2 with OUT_OF_RANGE, the field, the limit’s name and value', (_name, args, input, field, key, limit) => {
    const run = pumpctl([...args, '--json'], input);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(limit);
    const out = json(run) as JsonError;
    expect(out.error).toMatchObject({ code: 'OUT_OF_RANGE', field, key, params: { limit } });
    expect(out.error.message).toContain(`${limit} mL`);
  });

  it('the bridge of the review (1 mcg/day, 500 → 2000 mcg/mL) names the old rate, its dose and the minimum', () => {
    const run = pumpctl(['calc', 'bridge', '--json'], bridge('1'));
    expect(run.status).toBe(2);
    expect((json(run) as JsonError).error.message).toBe(
      "the old rate (1 mcg/day at 500 mcg/mL): 0.002 mL/day is below the pump's minimum rate of 0.048 mL/day",
    );
  });

  it('without --json: the message on stderr, nothing on stdout, exit 2', () => {
    const run = pumpctl(['calc', 'flex'], {
      concentration: { value: '10', unit: 'mg/mL' },
      steps: steps('0.01', '50'),
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("step 1 (00:00): 0.01 mL/day is below the pump's minimum rate of 0.048 mL/day");
  });

  it('takes --pump-model on every calculation, the default being the model calc rate uses', () => {
    // sim-20 and sim-40 share their rate range: a rate refused by one is refused by both.
    for (const model of [[], ['--pump-model', 'sim-20'], ['--pump-model', 'sim-40']]) {
      expect(pumpctl(['calc', 'refill', ...model], refill('100')).status).toBe(2);
      expect(
        pumpctl(['calc', 'flex', ...model], {
          concentration: { value: '10', unit: 'mg/mL' },
          steps: steps('0.2', '0.5'),
        }).status,
      ).toBe(0);
      expect(pumpctl(['calc', 'bridge', ...model], bridge('400')).status).toBe(0);
      expect(
        pumpctl(['calc', 'rate', ...model], {
          concentration: { value: '25', unit: 'mcg/mL' },
          dailyDose: { value: '1', unit: 'mcg/day' },
        }).status,
      ).toBe(2);
    }
    // A 40 mL capacity is a sim-40 (the default) but not a sim-20.
    expect(pumpctl(['calc', 'refill'], refill('0.5')).status).toBe(0);
    expect(pumpctl(['calc', 'refill', '--pump-model', 'sim-20'], refill('0.5')).status).toBe(2);
    expect(pumpctl(['calc', 'refill'], refill('0.5', { pumpModel: 'sim-20' })).status).toBe(2);
  });

  it('refuses an unknown model and two different models', () => {
    const unknown = pumpctl(['calc', 'flex', '--pump-model', 'sim-99', '--json'], {
      concentration: { value: '10', unit: 'mg/mL' },
      steps: steps('0.2'),
    });
    expect(unknown.status).toBe(2);
    expect(json(unknown)).toMatchObject({
      error: { code: 'INVALID_INPUT', field: 'pumpModel', message: expect.stringContaining('sim-99') as unknown },
    });
    const both = pumpctl(
      ['calc', 'refill', '--pump-model', 'sim-40', '--json'],
      refill('0.5', { pumpModel: 'sim-20' }),
    );
    expect(both.status).toBe(2);
    expect(json(both)).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'pumpModel' } });
  });

  it('a refill on patient boluses alone (rate 0) is still answered', () => {
    const run = pumpctl(['calc', 'refill'], refill('0', { maxBolusVolumePerDay: { value: '0.5', unit: 'mL/day' } }));
    expect(run.status).toBe(0);
    expect(json(run)).toMatchObject({ daysToAlarm: '72', limitingFactor: 'alarm' });
  });
});
