import { describe, expect, it } from 'vitest';
import { dec } from '../../core/decimal';
import { trainingPresets } from '../../drivers/simulator/presets';
import { runtimeFixture } from './runtime-fixture';
import { TEST_PASSWORD } from './helpers';
import { codes, safetyHelpers, type Forecast, type Preview } from './clinical-safety-support';

const f = runtimeFixture();
const { call, value, clinic, program } = safetyHelpers(f);

describe('the safety check through the API, with the pump’s history', () => {
  it('stops the mcg/h-typed-as-mcg/day error on a baclofen flex pump (a ceiling, whatever the step)', async () => {
    await clinic(trainingPresets['baclofen-flex'], { indication: 'non-cancer', spasticityOrigin: 'spinal' });
    const preview = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '1440' });
    expect(preview.check.verdict).toBe('hard');
    expect(codes(preview)).toEqual(expect.arrayContaining(['DOSE_ABOVE_MAX:soft', 'INCREASE_PERCENT_ABOVE_MAX:hard']));
    expect(await program({ mode: 'continuous', dailyDose: '1440' })).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT' },
    });
    const huge = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '4000' });
    expect(codes(huge)).toContain('DOSE_ABOVE_MAX:hard');
  });

  it('applies the 24-hour window to what the pump was programmed: morphine 3 → 4.5 → 6 → 7.5 mg/day in minutes ends hard', async () => {
    await clinic({});
    expect(await program({ mode: 'continuous', dailyDose: '4.5' })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    f.clock.advanceMinutes(3);
    expect(await program({ mode: 'continuous', dailyDose: '6' })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    f.clock.advanceMinutes(3);
    const third = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '7.5' });
    // 7.5 is 150 % above the 3 mg/day of the window's start, and the third increase in 24 hours.
    expect(codes(third)).toEqual(expect.arrayContaining(['WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard']));
    expect(await program({ mode: 'continuous', dailyDose: '7.5' })).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT' },
    });
    // A day and a half later the same step is one ordinary titration step again.
    f.clock.advanceMinutes(36 * 60);
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    expect(codes(await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '7.5' }))).not.toContain(
      'WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard',
    );
  });

  it('holds ziconotide to one step at a time: a second step minutes after the first is hard', async () => {
    await clinic(trainingPresets['ziconotide-titration'], { indication: 'non-cancer' });
    expect(await program({ mode: 'continuous', dailyDose: '4.8' })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    f.clock.advanceMinutes(4);
    const next = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '7.2' });
    expect(codes(next)).toContain('WINDOW_INTERVAL_TOO_SHORT:hard');
  });

  it('restarts a stopped pump as a start: 15 mg/day of morphine for a patient of unknown tolerance is hard', async () => {
    await clinic(trainingPresets['stopped-morphine']);
    const restart = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '15' });
    expect(codes(restart)).toContain('START_DOSE_ABOVE_MAX:hard');
  });

  it('makes a stop need a reason, warns of withdrawal, and lists the pump as stopped until it runs again', async () => {
    await clinic({});
    const stop = await value<Preview>('program:preview', { mode: 'stopped', dailyDose: '0' });
    expect(codes(stop)).toEqual(['THERAPY_STOP:soft', 'STOP_WITHDRAWAL_RISK:soft']);
    expect(await call('program:apply', { settings: stop.settings, reviewed: stop.reviewed })).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED' },
    });
    expect(
      await program(
        {
          mode: 'stopped',
          dailyDose: '0',
          patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
        },
        'surgical revision of the catheter tomorrow; oral morphine bridging',
      ),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    // A stopped pump gives no patient bolus either.
    expect(
      (await value<{ status: { patientBolus?: unknown } }>('pump:interrogate')).status.patientBolus,
    ).toBeUndefined();
    expect(await value('pumps:stopped')).toEqual([
      expect.objectContaining({
        pumpSerial: 'SIM000123',
        stoppedBy: 'dr.li',
        drug: 'morphine',
        reason: expect.stringContaining('revision') as unknown,
        patient: expect.objectContaining({ identifier: 'P-1' }) as unknown,
      }),
    ]);
    // The stopped pump can be refilled: nothing leaves the reservoir, so the drug's stability decides.
    const preview = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '19',
      reservoirEmptied: true,
      instilledMl: '20',
    });
    expect(preview.forecast).toMatchObject({
      daysToAlarm: null,
      alarmDate: null,
      limitingFactor: 'stability',
      nextRefillDate: '2026-05-30',
      replacePump: false,
    });
    // It leaves the list when it runs again.
    expect(
      await program({ mode: 'continuous', dailyDose: '0.5' }, 'restart at a low dose after the revision'),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(await value('pumps:stopped')).toEqual([]);
  });

  it('lets an end-of-service pump only be stopped, and says to replace it instead of giving a refill date', async () => {
    await clinic(trainingPresets['eos-pump']);
    const read = await value<{ forecast: Forecast | null }>('pump:interrogate');
    expect(read.forecast).toMatchObject({ replacePump: true, limitingFactor: 'battery' });
    expect(codes(await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '2.7' }))).toContain(
      'PUMP_END_OF_SERVICE:hard',
    );
    expect(codes(await value<Preview>('program:preview', { mode: 'stopped', dailyDose: '0' }))).not.toContain(
      'PUMP_END_OF_SERVICE:hard',
    );
  });

  it('warns at the elective replacement indicator, and still forecasts a refill while the battery runs', async () => {
    await clinic(trainingPresets['eri-pump']);
    expect(codes(await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '2.7' }))).toContain(
      'PUMP_ELECTIVE_REPLACEMENT:soft',
    );
    const read = await value<{ forecast: Forecast | null }>('pump:interrogate');
    expect(read.forecast).toMatchObject({ replacePump: false });
    expect((read.forecast?.nextRefillDate ?? '') >= '2026-03-01').toBe(true);
    // The replacement date passed 10 days ago; the battery runs to its expected end of service
    // 90 days after it (the model's ERI-to-EOS reserve): a full reservoir is not planned past that.
    const full = await value<{ forecast: Forecast | null }>('refill:preview', {
      withdrawnMl:
        read.forecast === null
          ? '0'
          : (await value<{ status: { reservoirVolume: { value: string } } }>('pump:interrogate')).status.reservoirVolume
              .value,
      reservoirEmptied: true,
      instilledMl: '38',
    });
    expect(full.forecast).toMatchObject({
      nextRefillDate: '2026-05-20',
      limitingFactor: 'battery',
      replacePump: false,
    });
  });

  it('refuses a patient bolus faster than the pump, and needs a witness for a larger bolus', async () => {
    await clinic(
      {
        ...trainingPresets['baclofen-flex'],
        patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 240, maxPerDay: 2 },
      },
      { indication: 'non-cancer', spasticityOrigin: 'spinal' },
    );
    const read = await value<{ status: { steps: Array<{ start: string; rate: { value: string } }> } }>(
      'pump:interrogate',
    );
    const steps = read.status.steps.map((s) => ({ start: s.start, dailyDose: dec(s.rate.value).mul(500).toString() }));
    expect(
      await call('program:preview', {
        mode: 'flex',
        dailyDose: '0',
        steps,
        patientBolus: { volumeMl: '0.5', durationMinutes: 10, lockoutMinutes: 240, maxPerDay: 2 },
      }),
    ).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE', field: 'patientBolus.durationMinutes' } });
    const larger = await value<Preview>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps,
      patientBolus: { volumeMl: '0.04', durationMinutes: 10, lockoutMinutes: 240, maxPerDay: 2 },
    });
    expect(larger.witnessRequired).toBe(true);
    expect(
      await call('program:apply', {
        settings: larger.settings,
        reviewed: larger.reviewed,
        acknowledgement: 'more relief at night',
      }),
    ).toMatchObject({ ok: false, error: { code: 'WITNESS_REQUIRED' } });
  });
});
