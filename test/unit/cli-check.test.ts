import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { tempDir } from './helpers';
import { json, pumpctl } from './pumpctl';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

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
