import { describe, expect, it } from 'vitest';
import { trainingPresets } from '../../drivers/simulator/presets';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { safetyHelpers, type Forecast } from './clinical-safety-support';

const f = runtimeFixture();
const { call, value, clinic } = safetyHelpers(f);

describe('the refill forecast and the bedside rules through the API', () => {
  it('forecasts a flex pump from its whole day, not its first step', async () => {
    await clinic(trainingPresets['baclofen-flex'], { indication: 'non-cancer', spasticityOrigin: 'spinal' });
    // 0.8 mL/day for 9 h and 0.5 mL/day for 15 h: 0.6125 mL/day; (20 − 2) / 0.6125 = 29.38 days.
    const preview = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '6',
      reservoirEmptied: true,
      instilledMl: '20',
    });
    expect(preview.forecast).toMatchObject({
      daysToAlarm: '29.38',
      alarmDate: '2026-03-30',
      nextRefillDate: '2026-03-30',
      limitingFactor: 'alarm',
    });
  });

  it('counts every allowed patient bolus in the forecast', async () => {
    await clinic(
      {
        ...trainingPresets['baclofen-flex'],
        patientBolus: { volumeMl: '0.1', durationMinutes: 10, lockoutMinutes: 240, maxPerDay: 4 },
      },
      { indication: 'non-cancer', spasticityOrigin: 'spinal' },
    );
    // 0.6125 + 4 × 0.1 = 1.0125 mL/day; 18 / 1.0125 = 17.77 days.
    const preview = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '6',
      reservoirEmptied: true,
      instilledMl: '20',
    });
    expect(preview.forecast).toMatchObject({ daysToAlarm: '17.77', alarmDate: '2026-03-18' });
  });

  it('gives ziconotide’s first fill of a pump 14 days, and limits by the syringe’s expiry', async () => {
    await clinic(trainingPresets['ziconotide-titration'], { indication: 'non-cancer' });
    const first = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '19',
      reservoirEmptied: true,
      instilledMl: '20',
    });
    expect(first.forecast).toMatchObject({ limitingFactor: 'stability', nextRefillDate: '2026-03-15' });
    const expiring = await value<{ forecast: Forecast }>('refill:preview', {
      withdrawnMl: '19',
      reservoirEmptied: true,
      instilledMl: '20',
      beyondUseDate: '2026-03-10',
    });
    expect(expiring.forecast).toMatchObject({ limitingFactor: 'expiry', nextRefillDate: '2026-03-10' });
  });

  it('refuses an overfill unless the reservoir was recorded as emptied, and a fill at or below the alarm volume', async () => {
    await clinic({ reservoirMl: '14.2' });
    expect(await call('refill:preview', { withdrawnMl: '0', instilledMl: '40' })).toMatchObject({
      ok: false,
      error: {
        code: 'OUT_OF_RANGE',
        field: 'instilledMl',
        message: expect.stringContaining('14.2 mL still in the reservoir') as unknown,
      },
    });
    expect(
      await call('refill:preview', { withdrawnMl: '14', reservoirEmptied: true, instilledMl: '40' }),
    ).toMatchObject({ ok: true });
    expect(
      await call('refill:preview', { withdrawnMl: '14', reservoirEmptied: true, instilledMl: '1.5' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE', message: expect.stringContaining('alarm volume') as unknown },
    });
  });

  it('refuses a 400 cm catheter (a typo for 40) when the pump is registered', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const { id } = await value<{ id: number }>('patients:create', { identifier: 'P-2', name: 'Li Mei' });
    expect(
      await call('pumps:register', {
        patientId: id,
        serial: 'SIM000999',
        modelId: 'sim-40',
        implantDate: '2026-01-10',
        catheterModelId: 'sim-cath',
        catheterLengthCm: '400',
      }),
    ).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE', field: 'catheterLengthCm' } });
  });

  it('matches an order for a repeating-decimal flex dose written as the Finish screen shows it', async () => {
    // 0.3, 0.4, 0.3 mL/day for 8 h each: 0.3333… mL/day, 3.3333… mg/day, shown as 3.3333.
    const rate = (value: string) => ({ value, unit: 'mL/day' as const });
    const patientId = await clinic({
      mode: 'flex',
      steps: [
        { start: '00:00', rate: rate('0.3') },
        { start: '08:00', rate: rate('0.4') },
        { start: '16:00', rate: rate('0.3') },
      ],
    });
    const read = await value<{ status: { dailyDose: { value: string } } }>('pump:interrogate');
    expect(read.status.dailyDose.value).toBe('3.3333');
    const order = await value<{ id: number }>('prescriptions:create', {
      patientId,
      anyPump: true,
      components: [
        {
          drug: 'morphine',
          concentration: { value: '10', unit: 'mg/mL' },
          dailyDose: { value: '3.3333', unit: 'mg/day' },
        },
      ],
      mode: 'flex',
    });
    await value('auth:signIn', { username: 'nurse.wang', password: TEST_PASSWORD });
    const syringe = {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      volumeMl: '20',
      lot: 'L1',
      expiry: '2027-01-01',
      preparedBy: 'Pharmacy',
      checkedBy: 'Pharmacist Zhou',
    };
    const report = await value('refill:perform', {
      prescriptionId: order.id,
      syringe,
      withdrawnMl: '14',
      reservoirEmptied: true,
      instilledMl: '20',
      witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
      discrepancyAcknowledgement: { checked: 'Aspirated until nothing more came', patientState: 'Alert, no symptoms' },
    });
    expect(report).toMatchObject({ outcome: 'confirmed' });
  });
});
