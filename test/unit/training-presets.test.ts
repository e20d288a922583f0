import { describe, expect, it } from 'vitest';
import { SimulatedPump } from '../../drivers/simulator/pump';
import {
  parseTrainingState,
  trainingPresetNames,
  trainingPresets,
  trainingPumpState,
  type TrainingPreset,
} from '../../drivers/simulator/presets';
import { trainingLink } from '../../drivers/simulator/training';

const now = new Date('2026-03-01T08:00:00Z');

describe('training presets', () => {
  it.each(trainingPresetNames)(
    '%s starts a pump the therapy model accepts, read through the real driver',
    async (name: TrainingPreset) => {
      const { link } = trainingLink({ clock: () => now, pumpState: trainingPresets[name] });
      const read = await link.interrogate();
      expect(read.ok).toBe(true);
      if (!read.ok) return;
      const preset = trainingPresets[name] as { drug?: string; mode?: string };
      expect(read.value.drug).toBe(preset.drug ?? 'morphine');
      expect(read.value.mode).toBe(preset.mode ?? 'continuous');
    },
  );

  it('puts the battery where a trainer wants it: ERI ten days ago, EOS after 120', async () => {
    const eri = await trainingLink({ clock: () => now, pumpState: trainingPresets['eri-pump'] }).link.interrogate();
    const eos = await trainingLink({ clock: () => now, pumpState: trainingPresets['eos-pump'] }).link.interrogate();
    expect(eri.ok && eri.value.alarms.map((a) => a.code)).toContain('ERI');
    expect(eos.ok && eos.value.alarms.map((a) => a.code)).toContain('EOS');
  });

  it('reads a trainer’s JSON and refuses a bad one or a program the pump cannot run, with a message', () => {
    expect(
      parseTrainingState('{"drug":"baclofen","concentration":{"value":"2000","unit":"mcg/mL"},"reservoirMl":"3"}'),
    ).toMatchObject({ ok: true });
    expect(parseTrainingState('{"drug":"aspirin"}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('drug') as unknown,
    });
    expect(parseTrainingState('{"unknown":1}')).toMatchObject({ ok: false });
    expect(parseTrainingState('not json')).toMatchObject({
      ok: false,
      message: expect.stringContaining('preset') as unknown,
    });
    const parsed = parseTrainingState('{"rate":{"value":"99","unit":"mL/day"}}');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(() => new SimulatedPump(trainingPumpState(parsed.state, now))).toThrow(/cannot run/);
  });
});
