import { describe, expect, it } from 'vitest';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatorLink } from '../support/simulator-link';
import { manualClock } from './helpers';

describe('the simulated pump', () => {
  it('drains the reservoir at the programmed rate, in exact decimals', () => {
    const clock = manualClock();
    const base = defaultSimulatedPump(clock.now());
    const state = {
      ...base,
      volumeMl: '20',
      settings: { ...base.settings, rate: { value: '0.3', unit: 'mL/day' as const } },
      volumeAt: clock.now(),
    };
    const pump = new SimulatedPump(state, clock.now);
    expect(pump.status().reservoirVolume.value).toBe('20.0');
    clock.advanceDays(10);
    // 20 − 0.3 × 10 = 17 exactly; binary floating point would give 16.999999999999996 → 16.9.
    expect(pump.status().reservoirVolume.value).toBe('17.0');
    expect(pump.status().dailyDose).toEqual({ value: '3', unit: 'mg/day' });
  });

  it('raises the low-reservoir alarm at the alarm volume and the empty alarm at zero', () => {
    const clock = manualClock();
    const base = defaultSimulatedPump(clock.now());
    const state = {
      ...base,
      volumeMl: '5',
      settings: { ...base.settings, rate: { value: '1', unit: 'mL/day' as const } },
      volumeAt: clock.now(),
    };
    const pump = new SimulatedPump(state, clock.now);
    expect(pump.status().alarms).toEqual([]);
    clock.advanceDays(3);
    expect(pump.status().alarms.map((a) => a.code)).toEqual(['LOW_RESERVOIR']);
    clock.advanceDays(3);
    expect(pump.status().reservoirVolume.value).toBe('0.0');
    expect(pump.status().alarms.map((a) => a.code)).toEqual(['EMPTY_RESERVOIR']);
  });

  it('reports its own drifting clock, not the computer’s', () => {
    const clock = manualClock();
    const pump = new SimulatedPump({ ...defaultSimulatedPump(clock.now()), clockOffsetMs: 90_000 }, clock.now);
    expect(new Date(pump.status().pumpTime ?? NaN).getTime() - clock.now().getTime()).toBe(90_000);
  });

  it('fails with a typed communication error when the wand is unplugged or closed', async () => {
    const link = new SimulatorLink();
    link.unplugged = true;
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED' } });
    link.unplugged = false;
    expect((await link.interrogate()).ok).toBe(true);
    await link.close();
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED' } });
  });

  it('can be cancelled while the telemetry is in flight', async () => {
    const link = new SimulatorLink({ latencyMs: 10_000 });
    const controller = new AbortController();
    const pending = link.interrogate(controller.signal);
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED' } });
  });

  it('applies a program at once, keeps the reservoir, and never applies one transaction twice', () => {
    const clock = manualClock();
    const base = defaultSimulatedPump(clock.now());
    const pump = new SimulatedPump({ ...base, volumeMl: '20', volumeAt: clock.now() }, clock.now);
    clock.advanceDays(10); // 3 mL delivered at 0.3 mL/day
    const baclofen = {
      drug: 'baclofen' as const,
      concentration: { value: '500', unit: 'mcg/mL' as const },
      mode: 'continuous' as const,
      rate: { value: '0.8', unit: 'mL/day' as const },
    };
    expect(pump.apply('tx-1', baclofen)).toBe(true);
    expect(pump.status()).toMatchObject({
      drug: 'baclofen',
      dailyDose: { value: '400', unit: 'mcg/day' },
      reservoirVolume: { value: '17.0' },
      lastTransactionId: 'tx-1',
    });
    clock.advanceDays(1);
    expect(pump.apply('tx-1', { ...baclofen, rate: { value: '2', unit: 'mL/day' } })).toBe(false);
    expect(pump.status()).toMatchObject({ rate: { value: '0.8' }, reservoirVolume: { value: '16.2' } });
    expect(pump.apply('tx-2', baclofen, '40')).toBe(true);
    expect(pump.status().reservoirVolume.value).toBe('40.0');
  });
});
