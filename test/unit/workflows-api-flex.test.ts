import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { workflowHelpers } from './workflows-api-support';

const f = runtimeFixture();
const { value, registerTrainingPump } = workflowHelpers(f);

describe('a flex schedule through the API', () => {
  it('previews the whole day (24-h total, peak hourly), programs it and reads it back step by step', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await registerTrainingPump();
    const change = {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '2' },
        { start: '08:00', dailyDose: '4' },
      ],
    };
    const preview = await value<{
      settings: { steps: unknown[] };
      reviewed: unknown;
      totals: Record<string, { value: string }>;
      check: { verdict: string };
    }>('program:preview', change);
    expect(preview.settings.steps).toEqual([
      { start: '00:00', rate: { value: '0.2', unit: 'mL/day' } },
      { start: '08:00', rate: { value: '0.4', unit: 'mL/day' } },
    ]);
    // 2 mg/day for 8 h and 4 mg/day for 16 h: 3.333 mg over the day; 4 mg/day at its peak is 0.167 mg/h.
    expect(preview.totals['new24h']?.value).toMatch(/^3\.33/);
    expect(preview.totals['newPeakHourly']?.value).toMatch(/^0\.16[67]/);
    const done = await value('program:apply', {
      settings: preview.settings,
      reviewed: preview.reviewed,
      witness: { username: 'dr.chen', password: TEST_PASSWORD },
    });
    expect(done).toMatchObject({ outcome: 'confirmed', mismatches: [] });
    const read = await value<{ status: { mode: string; steps: unknown[] } }>('pump:interrogate');
    expect(read.status.mode).toBe('flex');
    expect(read.status.steps).toEqual(preview.settings.steps);
  });

  it('stops a step entered per hour where per day was meant (60 mcg/h instead of 60 mcg/day) with the daily limit', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await registerTrainingPump();
    // Morphine at 3 mg/day: one step typed as 72 (3 mg/h × 24) makes the day's dose far above the hard maximum.
    const preview = await value<{ check: { verdict: string } }>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '3' },
        { start: '20:00', dailyDose: '72' },
      ],
    });
    expect(preview.check.verdict).toBe('hard');
  });
});
