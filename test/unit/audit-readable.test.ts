import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { auditChanges } from '../../services/audit-view';

const f = runtimeFixture();
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);

interface Row {
  seq: number;
  action: string;
  patientId: string | null;
  patientName: string | null;
  actorName: string | null;
  witness: string | null;
  witnessName: string | null;
  changes: Array<{ field: string; old: string | null; new: string | null }>;
}
type Page = { total: number; rows: Row[] };

/** Zhang Wei's pump programmed from 3 to 4.2 mg/day by Dr Li, witnessed by Nurse Zhao; Li Na registered beside him. */
async function programmedClinic() {
  await signInThrough(f.runtime.dispatch, 'dr.li');
  const { id } = await value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'non-cancer',
  });
  await value('patients:create', { identifier: 'P-2', name: 'Li Na', indication: 'cancer' });
  await value('pumps:register', { patientId: id, serial: 'SIM000123', modelId: 'sim-40', implantDate: '2026-01-10' });
  await value('pump:interrogate');
  const preview = await value<{ settings: unknown; reviewed: unknown }>('program:preview', {
    mode: 'continuous',
    dailyDose: '4.2',
  });
  await value('program:apply', {
    settings: preview.settings,
    reviewed: preview.reviewed,
    acknowledgement: 'pain uncontrolled',
    witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
  });
}

describe('the audit trail as people read it', () => {
  it('finds a patient’s records by any part of the name, in any case, or by the ID; names the patient and the people', async () => {
    await programmedClinic();
    const byName = await value<Page>('audit:list', { filter: { patient: 'zhang' } });
    const byId = await value<Page>('audit:list', { filter: { patient: 'p-1' } });
    expect(byName.total).toBeGreaterThanOrEqual(4); // created, registered, interrogated, programmed (+ outcome)
    expect(byId.rows.map((r) => r.seq)).toEqual(byName.rows.map((r) => r.seq));
    expect(byName.rows.every((r) => r.patientId === 'P-1' && r.patientName === 'Zhang Wei')).toBe(true);
    expect((await value<Page>('audit:list', { filter: { patient: 'Li Na' } })).rows.map((r) => r.action)).toEqual([
      'patient.create',
    ]);
    // The user's text is taken literally: a wildcard of their own matches nothing.
    expect((await value<Page>('audit:list', { filter: { patient: '%' } })).total).toBe(0);
    expect((await value<Page>('audit:list', { filter: { patient: 'Wang' } })).total).toBe(0);
  });

  it('shows a program change old → new with its units, by whom and with which witness', async () => {
    await programmedClinic();
    const page = await value<Page>('audit:list', { filter: { patient: 'Zhang', action: 'pump.program' } });
    const intent = page.rows.find((r) => r.action === 'pump.program');
    expect(intent).toMatchObject({ actorName: 'Dr Li', witness: 'nurse.zhao', witnessName: 'Nurse Zhao' });
    expect(intent?.changes).toContainEqual({ field: 'dailyDose', old: '3 mg/day', new: '4.2 mg/day' });
    expect(intent?.changes).toContainEqual({ field: 'rate', old: '0.3 mL/day', new: '0.42 mL/day' });
    // Unchanged settings are not listed as changes (the drug stays morphine).
    expect(intent?.changes.some((c) => c.field === 'drug')).toBe(false);
  });

  it('finds a user by user name or by any part of the name, as the one who acted or as the witness', async () => {
    await programmedClinic();
    const zhao = await value<Page>('audit:list', { filter: { actor: 'zhao' } });
    expect(zhao.rows.map((r) => r.action)).toContain('pump.program');
    expect(zhao.rows.every((r) => r.witness === 'nurse.zhao' || r.actorName === 'Nurse Zhao')).toBe(true);
    const li = await value<Page>('audit:list', { filter: { actor: 'Dr Li', from: '2000-01-01', to: '2100-01-01' } });
    expect(li.total).toBe((await value<Page>('audit:list', { filter: { actor: 'dr.li' } })).total);
    expect((await value<Page>('audit:list', { filter: { actor: 'Dr Li', to: '2000-01-01' } })).total).toBe(0);
  });

  it('opens one record in full, with the stored values, and refuses a record that does not exist', async () => {
    await programmedClinic();
    const page = await value<Page>('audit:list', { filter: { action: 'pump.program' } });
    const seq = page.rows.find((r) => r.action === 'pump.program')?.seq ?? 0;
    const record = await value<{
      oldJson: string;
      newJson: string;
      libraryVersion: string | null;
      patientName: string;
    }>('audit:record', { seq });
    expect(JSON.parse(record.newJson)).toMatchObject({ dailyDose: { value: '4.2', unit: 'mg/day' } });
    expect(record).toMatchObject({ patientName: 'Zhang Wei' });
    expect(record.libraryVersion).not.toBeNull();
    expect(await f.call('audit:record', { seq: 999_999 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('reads a refill’s volumes and an order’s drug and dose from the stored values', () => {
    expect(
      auditChanges(
        '{"reservoirVolume":{"value":"4.5","unit":"mL"}}',
        '{"withdrawnMl":"4.4","instilledMl":"20","lot":"MOR-9","discrepancyFlag":false}',
      ),
    ).toEqual([
      { field: 'reservoirVolume', old: '4.5 mL', new: null },
      { field: 'withdrawnMl', old: null, new: '4.4 mL' },
      { field: 'instilledMl', old: null, new: '20 mL' },
      { field: 'lot', old: null, new: 'MOR-9' },
    ]);
    expect(
      auditChanges(
        null,
        '{"components":[{"drug":"baclofen","concentration":{"value":"500","unit":"mcg/mL"},"dailyDose":{"value":"150","unit":"mcg/day"}}]}',
      ),
    ).toEqual([
      { field: 'drug', old: null, new: 'baclofen' },
      { field: 'concentration', old: null, new: '500 mcg/mL' },
      { field: 'dailyDose', old: null, new: '150 mcg/day' },
    ]);
    expect(auditChanges('not json', null)).toEqual([]);
  });
});
