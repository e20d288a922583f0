import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { tempDir } from './helpers';

// The built pumpctl, fed on standard input as a user or script would (`npm test` builds first).
const pumpctl = (args: string[], input: unknown) =>
  spawnSync(process.execPath, ['bin/pumpctl.cjs', ...args], {
    input: typeof input === 'string' ? input : JSON.stringify(input),
    encoding: 'utf8',
  });

const json = (run: ReturnType<typeof pumpctl>): unknown => JSON.parse(run.stdout);

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

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

describe('pumpctl check', () => {
  it('answers ok, soft or hard and exits 0 for each', () => {
    const base = { drug: 'ziconotide', concentration: { value: '100', unit: 'mcg/mL' } };
    const ok = pumpctl(['check'], {
      ...base,
      dailyDose: { value: '4.8', unit: 'mcg/day' },
      previousDailyDose: { value: '3.6', unit: 'mcg/day' },
    });
    const soft = pumpctl(['check'], {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      dailyDose: { value: '5.6', unit: 'mg/day' },
      previousDailyDose: { value: '4', unit: 'mg/day' },
    });
    const hard = pumpctl(['check'], {
      ...base,
      dailyDose: { value: '24', unit: 'mcg/day' },
      previousDailyDose: { value: '19.2', unit: 'mcg/day' },
    });
    expect([ok.status, soft.status, hard.status]).toEqual([0, 0, 0]);
    expect(json(ok)).toMatchObject({ verdict: 'ok', findings: [] });
    expect(json(soft)).toMatchObject({
      verdict: 'soft',
      findings: [{ code: 'INCREASE_PERCENT_ABOVE_MAX', level: 'soft' }],
    });
    expect(json(hard)).toMatchObject({
      verdict: 'hard',
      findings: [
        { code: 'DOSE_ABOVE_MAX', level: 'hard', message: expect.stringContaining('19.2') as unknown },
        { code: 'INCREASE_ABOVE_MAX', level: 'hard' },
      ],
    });
  });

  it('checks against a site library file, and refuses a broken one', () => {
    const site = {
      ...defaultLibrary,
      name: 'Site',
      version: 7,
      entries: defaultLibrary.entries.map((e) =>
        e.drug === 'morphine' ? { ...e, dailyDose: { max: { hard: '5', source: 'site' } } } : e,
      ),
    };
    const file = join(dir, 'library.json');
    writeFileSync(file, JSON.stringify(site));
    const run = pumpctl(['check', '--library', file], {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      dailyDose: { value: '6', unit: 'mg/day' },
    });
    expect(json(run)).toMatchObject({ verdict: 'hard', library: { name: 'Site', version: 7 } });

    writeFileSync(file, JSON.stringify({ ...site, entries: [] }));
    const broken = pumpctl(['check', '--library', file, '--json'], {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      dailyDose: { value: '6', unit: 'mg/day' },
    });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('not a valid drug library');
  });

  it('exits 2 on an unknown drug', () => {
    const run = pumpctl(['check', '--json'], {
      drug: 'aspirin',
      concentration: { value: '10', unit: 'mg/mL' },
      dailyDose: { value: '6', unit: 'mg/day' },
    });
    expect(run.status).toBe(2);
    expect(json(run)).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });
});
