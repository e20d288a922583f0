import { beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit/verify';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { workflowHelpers } from './workflows-api-support';

const f = runtimeFixture();
const { call, value, registerTrainingPump } = workflowHelpers(f);

describe('a dose change through the API', () => {
  beforeEach(async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await registerTrainingPump();
  });

  it('previews the Finish screen without sending anything: rounded rate, old beside new, 24-h and peak, verdict', async () => {
    const preview = await value<Record<string, unknown>>('program:preview', { mode: 'continuous', dailyDose: '4.2' });
    expect(preview).toMatchObject({
      pumpSerial: 'SIM000123',
      patient: { identifier: 'P-1' },
      settings: { rate: { value: '0.42', unit: 'mL/day' } },
      totals: {
        old24h: { value: '3', unit: 'mg/day' },
        new24h: { value: '4.2', unit: 'mg/day' },
        newPeakHourly: { value: '0.175', unit: 'mg/h' },
      },
      check: { verdict: 'soft' },
      witnessRequired: true,
    });
    expect(preview['rows']).toContainEqual({
      field: 'morphine.dailyDose',
      old: '3 mg/day',
      new: '4.2 mg/day',
      changed: true,
      percentChange: '40',
    });
    expect(await value<unknown[]>('sessions:unconfirmed')).toEqual([]);
  });

  it('programs after acknowledgement and witness, and refuses each missing piece with nothing sent', async () => {
    const preview = await value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '4.2',
    });
    const base = { settings: preview.settings, reviewed: preview.reviewed };
    expect(await call('program:apply', base)).toMatchObject({ ok: false, error: { code: 'ACKNOWLEDGEMENT_REQUIRED' } });
    expect(await call('program:apply', { ...base, acknowledgement: 'pain uncontrolled' })).toMatchObject({
      ok: false,
      error: { code: 'WITNESS_REQUIRED' },
    });
    expect(
      await call('program:apply', {
        ...base,
        acknowledgement: 'pain uncontrolled',
        witness: { username: 'dr.li', password: TEST_PASSWORD },
      }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await call('program:apply', {
        ...base,
        acknowledgement: 'pain uncontrolled',
        witness: { username: 'dr.chen', password: 'not the password' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'WRONG_CREDENTIALS' } });
    const done = await value('program:apply', {
      ...base,
      acknowledgement: 'pain uncontrolled',
      witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
    });
    expect(done).toMatchObject({ outcome: 'confirmed', mismatches: [] });
    const read = await value<{ status: { rate: { value: string }; dailyDose: { value: string } } }>('pump:interrogate');
    expect(read.status.dailyDose.value).toBe('4.2');
    expect(verifyAudit(f.runtime.db, f.keys).ok).toBe(true);
  });

  it('refuses a write whose reviewed old program is no longer what the pump runs', async () => {
    const first = await value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '2.7',
    });
    await value('program:apply', { settings: first.settings, reviewed: first.reviewed });
    const stale = await call('program:apply', {
      settings: { ...(first.settings as object), rate: { value: '0.25', unit: 'mL/day' } },
      reviewed: first.reviewed,
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('checks the maximum daily dose with every allowed patient bolus, the bolus dose and its rate', async () => {
    const preview = await value<{ check: { verdict: string; findings: Array<{ code: string; level: string }> } }>(
      'program:preview',
      {
        mode: 'continuous',
        dailyDose: '3',
        patientBolus: { volumeMl: '0.5', durationMinutes: 30, lockoutMinutes: 60, maxPerDay: 6 },
      },
    );
    // 3 mg/day + 6 × 5 mg = 33 mg/day: above the hard maximum of 25 mg/day; one 5 mg bolus is far above 1 mg.
    expect(preview.check.verdict).toBe('hard');
    expect(preview.check.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'DOSE_WITH_BOLUSES_ABOVE_MAX', level: 'hard' }),
        expect.objectContaining({ code: 'BOLUS_DOSE_ABOVE_MAX', level: 'hard' }),
        expect.objectContaining({ code: 'BOLUS_OPIOID_NAIVE', level: 'hard' }),
      ]),
    );
    // 0.5 mL in 10 minutes is 72 mL/day, three times what the pump can deliver.
    expect(
      await call('program:preview', {
        mode: 'continuous',
        dailyDose: '3',
        patientBolus: { volumeMl: '0.5', durationMinutes: 10, lockoutMinutes: 60, maxPerDay: 6 },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE', field: 'patientBolus.durationMinutes' },
    });
  });

  it('refuses a dose below what the pump can deliver', async () => {
    expect(await call('program:preview', { mode: 'continuous', dailyDose: '0.0001' })).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE' },
    });
  });
});
