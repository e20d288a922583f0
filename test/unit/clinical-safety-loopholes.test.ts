import { describe, expect, it } from 'vitest';
import { trainingPresets } from '../../drivers/simulator/presets';
import { runtimeFixture } from './runtime-fixture';
import { codes, safetyHelpers, type Preview } from './clinical-safety-support';

const f = runtimeFixture();
const { call, value, clinic, program } = safetyHelpers(f);

describe('ways around the limits, closed', () => {
  it('a bolus-sized step hidden in an unchanged daily total (morphine, clonidine) is hard', async () => {
    await clinic({});
    // 3 mg/day as 23.76 mg/day for one hour and 2.09 mg/day for the rest: about 1 mg in one hour.
    const hidden = await value<Preview>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '23.76' },
        { start: '01:00', dailyDose: '2.09' },
      ],
    });
    expect(codes(hidden)).toContain('PEAK_TO_AVERAGE_ABOVE_MAX:hard');
    // A night rate twice the day's is an ordinary flex schedule.
    const ordinary = await value<Preview>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '4' },
        { start: '07:00', dailyDose: '2.4' },
      ],
    });
    expect(codes(ordinary).filter((c) => c.startsWith('PEAK'))).toEqual([]);
  });

  it('a restart soon after a stop is measured against the dose before the stop (baclofen)', async () => {
    await clinic(
      { ...trainingPresets['baclofen-flex'], mode: 'continuous', rate: { value: '0.2', unit: 'mL/day' } },
      { indication: 'non-cancer', spasticityOrigin: 'spinal' },
    );
    expect(
      await program({ mode: 'stopped', dailyDose: '0' }, 'pump pocket infection: stop, oral baclofen'),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    f.clock.advanceMinutes(2);
    // 100 mcg/day before the stop; 200 two minutes later is +100 % within 24 h.
    expect(codes(await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '200' }))).toContain(
      'WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard',
    );
  });

  it('a larger patient bolus is a dose increase by another door (baclofen)', async () => {
    await clinic(
      { ...trainingPresets['baclofen-flex'], mode: 'continuous', rate: { value: '0.2', unit: 'mL/day' } },
      { indication: 'non-cancer', spasticityOrigin: 'spinal' },
    );
    // 100 mcg/day, plus 4 boluses of 49 mcg: up to 296 mcg/day, +196 %.
    const bolus = await value<Preview>('program:preview', {
      mode: 'continuous',
      dailyDose: '100',
      patientBolus: { volumeMl: '0.098', durationMinutes: 15, lockoutMinutes: 240, maxPerDay: 4 },
    });
    expect(codes(bolus)).toContain('INCREASE_WITH_BOLUSES_ABOVE_MAX:hard');
  });

  it('a stop takes the patient bolus with it, whatever the request carries (morphine with boluses)', async () => {
    await clinic(trainingPresets['morphine-patient-bolus']);
    const read = await value<{ status: { patientBolus?: unknown } }>('pump:interrogate');
    expect(read.status.patientBolus).toBeDefined();
    const preview = await value<Preview & { settings: Record<string, unknown> }>('program:preview', {
      mode: 'stopped',
      dailyDose: '0',
    });
    // The bolus put back into the stop by hand.
    const r = await call('program:apply', {
      settings: { ...preview.settings, patientBolus: read.status.patientBolus },
      reviewed: preview.reviewed,
      acknowledgement: 'surgery tomorrow: stop',
    });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(
      (await value<{ status: { mode: string; patientBolus?: unknown } }>('pump:interrogate')).status,
    ).toMatchObject({ mode: 'stopped' });
    expect(
      (await value<{ status: { patientBolus?: unknown } }>('pump:interrogate')).status.patientBolus,
    ).toBeUndefined();
  });

  it('a running program at 0 mL/day is no stop in disguise: refused, the pump unchanged and not listed as stopped', async () => {
    await clinic({});
    const preview = await value<Preview & { settings: Record<string, unknown> }>('program:preview', {
      mode: 'continuous',
      dailyDose: '2.7',
    });
    const before = await value<{ status: { lastTransactionId: string | null } }>('pump:interrogate');
    const zero = await call('program:apply', {
      settings: { ...preview.settings, rate: { value: '0', unit: 'mL/day' } },
      reviewed: preview.reviewed,
      acknowledgement: 'pause',
    });
    expect(zero).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('use Stop') as unknown },
    });
    expect(
      (await value<{ status: { lastTransactionId: string | null } }>('pump:interrogate')).status.lastTransactionId,
    ).toBe(before.status.lastTransactionId);
  });

  it('a restart with large patient boluses meets the starting limit with every bolus counted (tolerant, morphine)', async () => {
    const patientId = await clinic(trainingPresets['stopped-morphine']);
    await value('opioids:record', {
      patientId,
      record: { kind: 'morphine/oral', dose: '100', startDate: '2026-02-01' },
    });
    // 5 mg/day is within the tolerant start (soft 5, hard 10); 10 boluses of 1 mg make it 15 mg/day.
    const restart = await value<Preview>('program:preview', {
      mode: 'continuous',
      dailyDose: '5',
      patientBolus: { volumeMl: '0.1', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 10 },
    });
    expect(codes(restart)).toContain('START_WITH_BOLUSES_ABOVE_MAX:hard');
    expect(codes(restart)).not.toContain('START_DOSE_ABOVE_MAX:hard');
  });

  it('patient-bolus steps minutes apart meet the 24-hour window (tolerant, morphine 3 mg/day)', async () => {
    const patientId = await clinic({});
    await value('opioids:record', {
      patientId,
      record: { kind: 'morphine/oral', dose: '100', startDate: '2026-02-01' },
    });
    const bolus = (volumeMl: string, maxPerDay: number) => ({
      mode: 'continuous',
      dailyDose: '3',
      patientBolus: { volumeMl, durationMinutes: 10, lockoutMinutes: 120, maxPerDay },
    });
    // Up to 6 mg/day, then 3 minutes later up to 8 mg/day: 167 % above the 3 mg/day of the window's start.
    expect(await program(bolus('0.05', 6))).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    f.clock.advanceMinutes(3);
    expect(codes(await value<Preview>('program:preview', bolus('0.05', 10)))).toContain(
      'WINDOW_WITH_BOLUSES_ABOVE_MAX:hard',
    );
  });
});
