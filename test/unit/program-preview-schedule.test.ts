import { describe, expect, it } from 'vitest';
import { trainingPresets } from '../../drivers/simulator/presets';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough } from './helpers';

const f = runtimeFixture();
type Step = {
  start: string;
  end: string;
  rate: { value: string; unit: string };
  dailyDose: { value: string; unit: string };
  hourlyDose: { value: string; unit: string };
  stepDose: { value: string; unit: string };
};
type Preview = { schedule: { old: Step[]; new: Step[] } };
const brief = (steps: Step[]) =>
  steps.map((s) => [
    `${s.start}–${s.end}`,
    `${s.rate.value} ${s.rate.unit}`,
    `${s.dailyDose.value} ${s.dailyDose.unit}`,
    `${s.hourlyDose.value} ${s.hourlyDose.unit}`,
    `${s.stepDose.value} ${s.stepDose.unit}`,
  ]);

async function clinic(): Promise<void> {
  await signInThrough(f.runtime.dispatch, 'dr.li');
  const { id } = await f.value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'non-cancer',
  });
  await f.value('pumps:register', { patientId: id, serial: 'SIM000123', modelId: 'sim-40', implantDate: '2026-01-10' });
  await f.value('pump:interrogate');
}

describe('the program review gives both programs’ days as steps', () => {
  it('a flex pump (baclofen 500 mcg/mL) changed to another flex day: each step old beside new, in the drug’s unit', async () => {
    await f.withPump(trainingPresets['baclofen-flex']);
    await clinic();
    const preview = await f.value<Preview>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '400' },
        { start: '07:00', dailyDose: '300' },
        { start: '22:00', dailyDose: '400' },
      ],
    });
    expect(brief(preview.schedule.old)).toEqual([
      ['00:00–07:00', '0.8 mL/day', '400 mcg/day', '16.6667 mcg/h', '116.6667 mcg'],
      ['07:00–22:00', '0.5 mL/day', '250 mcg/day', '10.4167 mcg/h', '156.25 mcg'],
      ['22:00–24:00', '0.8 mL/day', '400 mcg/day', '16.6667 mcg/h', '33.3333 mcg'],
    ]);
    expect(brief(preview.schedule.new)).toEqual([
      ['00:00–07:00', '0.8 mL/day', '400 mcg/day', '16.6667 mcg/h', '116.6667 mcg'],
      ['07:00–22:00', '0.6 mL/day', '300 mcg/day', '12.5 mcg/h', '187.5 mcg'],
      ['22:00–24:00', '0.8 mL/day', '400 mcg/day', '16.6667 mcg/h', '33.3333 mcg'],
    ]);
  });

  it('a continuous pump changed to flex: the old day is one step, the new one its steps', async () => {
    await clinic();
    const preview = await f.value<Preview>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '3' },
        { start: '08:00', dailyDose: '3.6' },
      ],
    });
    expect(brief(preview.schedule.old)).toEqual([['00:00–24:00', '0.3 mL/day', '3 mg/day', '0.125 mg/h', '3 mg']]);
    expect(brief(preview.schedule.new)).toEqual([
      ['00:00–08:00', '0.3 mL/day', '3 mg/day', '0.125 mg/h', '1 mg'],
      ['08:00–24:00', '0.36 mL/day', '3.6 mg/day', '0.15 mg/h', '2.4 mg'],
    ]);
  });
});
