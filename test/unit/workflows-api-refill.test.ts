import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { workflowHelpers } from './workflows-api-support';

const f = runtimeFixture();
const { call, value, registerTrainingPump } = workflowHelpers(f);

describe('a refill through the API', () => {
  it('computes and flags the discrepancy, refuses overfill, records the visit with its witness', async () => {
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    await registerTrainingPump();
    const preview = await value<{ expectedResidualMl: string; discrepancyFlag: boolean; thresholdMl: string }>(
      'refill:preview',
      { withdrawnMl: '10' },
    );
    expect(preview).toMatchObject({ discrepancyFlag: true, thresholdMl: '2' });
    const syringe = {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      volumeMl: '40',
      lot: 'L1',
      expiry: '2027-01-01',
      preparedBy: 'Pharmacist Sun',
      checkedBy: 'Pharmacist Zhou',
    };
    expect(await call('refill:preview', { withdrawnMl: '10', instilledMl: '41' })).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE' },
    });
    expect(
      await call('refill:perform', {
        prescriptionId: 1,
        syringe,
        withdrawnMl: '10',
        reservoirEmptied: true,
        instilledMl: '20',
        witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
      }),
    ).toMatchObject({ ok: false, error: { field: 'prescriptionId' } });
    // The physician's order; a nurse may not write one.
    const order = {
      patientId: 1,
      anyPump: true,
      components: [
        { drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' }, dailyDose: { value: '3', unit: 'mg/day' } },
      ],
      mode: 'continuous',
      fillVolumeMl: '20',
    };
    expect(await call('prescriptions:create', order)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await value('pump:interrogate');
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    const { id: prescriptionId } = await value<{ id: number }>('prescriptions:create', order);
    await value('auth:signIn', { username: 'nurse.wang', password: TEST_PASSWORD });
    expect(await value('prescriptions:open', { serial: 'SIM000123' })).toEqual([
      expect.objectContaining({ id: prescriptionId, orderedBy: 'dr.li', status: 'open', fillVolumeMl: '20' }),
    ]);
    const refill = {
      prescriptionId,
      syringe,
      withdrawnMl: '10',
      reservoirEmptied: true,
      instilledMl: '20',
      witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
    };
    // The flagged discrepancy is acknowledged (what was checked, the patient's state) before the refill completes.
    expect(await call('refill:perform', refill)).toMatchObject({
      ok: false,
      error: { code: 'DISCREPANCY_UNACKNOWLEDGED' },
    });
    const report = await value('refill:perform', {
      ...refill,
      discrepancyAcknowledgement: { checked: 'Aspirated until nothing came; pocket not swollen', patientState: 'Well' },
    });
    expect(report).toMatchObject({
      outcome: 'confirmed',
      discrepancyFlag: true,
      patient: { identifier: 'P-1' },
      nurse: 'Nurse Wang',
      witness: 'Nurse Zhao',
      forecast: { limitingFactor: 'alarm' },
    });
    const detail = await value<{ pumps: Array<{ refills: Array<{ discrepancyFlag: boolean }> }> }>('patients:get', {
      id: 1,
    });
    expect(detail.pumps[0]?.refills).toEqual([expect.objectContaining({ discrepancyFlag: true, instilledMl: '20' })]);
    expect(await value('prescriptions:open', { serial: 'SIM000123' })).toEqual([]);
    // The web host prints through the browser; saving a PDF is the desktop app's.
    expect(await call('report:pdf', { fileName: 'refill.pdf' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AVAILABLE' },
    });
    expect(await value('patients:get', { id: 1 })).toMatchObject({
      prescriptions: [{ id: prescriptionId, status: 'filled' }],
    });
  });
});
