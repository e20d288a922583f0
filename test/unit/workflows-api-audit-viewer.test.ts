import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { workflowHelpers } from './workflows-api-support';

const f = runtimeFixture();
const { call, value, registerTrainingPump } = workflowHelpers(f);

describe('the audit viewer API', () => {
  it('pages newest first and filters by patient, pump, user, action and date', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await registerTrainingPump();
    await value('pump:interrogate');
    const all = await value<{ total: number; rows: Array<{ seq: number; action: string }> }>('audit:list', {
      limit: 3,
    });
    expect(all.rows.map((r) => r.seq)).toEqual([all.total, all.total - 1, all.total - 2]);
    expect(all.rows[0]?.action).toBe('pump.interrogate');
    expect((await value<{ total: number }>('audit:list', { filter: { patientId: 'P-1' } })).total).toBe(2);
    expect((await value<{ total: number }>('audit:list', { filter: { action: 'user' } })).total).toBe(7);
    expect((await value<{ total: number }>('audit:list', { filter: { actor: 'nurse.wang' } })).total).toBe(0);
    expect((await value<{ total: number }>('audit:list', { filter: { from: '2026-03-02' } })).total).toBe(0);
    expect(
      (await value<{ total: number }>('audit:list', { filter: { to: '2026-03-01', pumpSerial: 'SIM000123' } })).total,
    ).toBe(2);
    expect(await value('audit:verify')).toMatchObject({ ok: true, status: 'intact', records: all.total });
    // The export is recorded first, so it is in the file it makes; the chain still verifies.
    const csv = await value<{ fileName: string; content: string }>('audit:export', { format: 'csv' });
    expect(csv.fileName).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.content).toContain('pump.interrogate');
    expect(csv.content.trim().split('\n').pop()).toContain('audit.export');
    const fhir = await value<{ content: string }>('audit:export', { format: 'fhir' });
    expect(JSON.parse(fhir.content)).toMatchObject({ resourceType: 'Bundle' });
    expect(await value('audit:verify')).toMatchObject({ ok: true });
    await value('auth:signIn', { username: 'nurse.wang', password: TEST_PASSWORD });
    expect(await call('audit:export', { format: 'json' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
