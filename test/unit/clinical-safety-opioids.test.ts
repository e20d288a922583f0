import { describe, expect, it } from 'vitest';
import { trainingPresets } from '../../drivers/simulator/presets';
import { runtimeFixture } from './runtime-fixture';
import { TEST_PASSWORD } from './helpers';
import { codes, safetyHelpers, type Preview } from './clinical-safety-support';

const f = runtimeFixture();
const { call, value, clinic, program } = safetyHelpers(f);

describe('the patient’s systemic opioids', () => {
  it('derive opioid tolerance (≥ 60 mg/day oral morphine equivalent for a week) for the starting dose and patient boluses', async () => {
    const patientId = await clinic(trainingPresets['stopped-morphine']);
    const restart = {
      mode: 'continuous',
      dailyDose: '4',
      patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
    };
    const naive = await value<Preview>('program:preview', restart);
    expect(codes(naive)).toEqual(expect.arrayContaining(['START_DOSE_ABOVE_MAX:hard', 'BOLUS_OPIOID_NAIVE:hard']));
    // Oral morphine 40 mg/day + a 25 mcg/h fentanyl patch (60 mg/day): 100 mg/day from 20 days ago, stopped 2 days ago.
    expect(
      await call('opioids:record', {
        patientId,
        record: { kind: 'morphine/oral', dose: '40', startDate: '2026-02-09', stopDate: '2026-02-27' },
      }),
    ).toMatchObject({ ok: true });
    const patch = await value<{ id: number }>('opioids:record', {
      patientId,
      record: { kind: 'fentanyl/transdermal', dose: '25', startDate: '2026-02-09' },
    });
    expect(await value('opioids:stop', { patientId, id: patch.id, stopDate: '2026-02-27' })).toBeNull();
    const detail = await value<{
      opioidTolerance: string;
      omeTodayMgPerDay: string;
      systemicOpioids: Array<{ omeMgPerDay: string; stopDate: string | null }>;
    }>('patients:get', { id: patientId });
    expect(detail).toMatchObject({
      opioidTolerance: 'tolerant',
      omeTodayMgPerDay: '0',
      systemicOpioids: [
        { omeMgPerDay: '40', stopDate: '2026-02-27' },
        { omeMgPerDay: '60', stopDate: '2026-02-27' },
      ],
    });
    const tolerant = await value<Preview>('program:preview', restart);
    expect(codes(tolerant)).not.toContain('START_DOSE_ABOVE_MAX:hard');
    expect(codes(tolerant)).not.toContain('BOLUS_OPIOID_NAIVE:hard');
    // A stop date before the start, or another patient's record, is refused.
    expect(await call('opioids:stop', { patientId, id: patch.id, stopDate: '2026-01-01' })).toMatchObject({
      ok: false,
      error: { field: 'stopDate' },
    });
    expect(
      await call('opioids:record', {
        patientId,
        record: { kind: 'morphine/oral', dose: '30', startDate: '2026-02-10', stopDate: '2026-02-01' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('counts a week of intrathecal opioid as tolerance', async () => {
    await clinic({});
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    const bolus = {
      mode: 'continuous',
      dailyDose: '3',
      patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
    };
    expect(codes(await value<Preview>('program:preview', bolus))).toContain('BOLUS_OPIOID_NAIVE:hard');
    // Programmed here (3 mg/day), then eight days of it.
    expect(await program({ mode: 'continuous', dailyDose: '2.7' }, 'lower first')).toMatchObject({ ok: true });
    f.clock.advanceDays(8);
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    await value('pump:interrogate');
    expect(codes(await value<Preview>('program:preview', { ...bolus, dailyDose: '2.7' }))).not.toContain(
      'BOLUS_OPIOID_NAIVE:hard',
    );
  });
});
