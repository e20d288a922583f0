import { describe, expect, it } from 'vitest';
import { painHistory, searchPatients } from '../../db/queries/records';
import { createPatient, recordPain } from '../../services/records';
import { admin, nurse, recordsFixture } from './records-support';

const f = recordsFixture();
const { deps } = f;

describe('patients and pumps', () => {
  it('creates, finds and refuses duplicates, with every change audited', () => {
    const id = createPatient(deps(), nurse, {
      identifier: 'MRN-1',
      name: '王 建国',
      indication: 'cancer',
      indicationKind: 'spinal metastasis',
    });
    expect(id).toMatchObject({ ok: true });
    expect(createPatient(deps(), nurse, { identifier: 'MRN-1', name: 'Other' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', field: 'identifier' },
    });
    expect(createPatient(deps(), admin, { identifier: 'MRN-2', name: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(searchPatients(f.db, '王').map((p) => p.identifier)).toEqual(['MRN-1']);
    expect(searchPatients(f.db, 'MRN-1')).toHaveLength(1);
    expect(searchPatients(f.db, '%')).toHaveLength(0); // wildcards are literal
    expect(f.db.prepare(`SELECT action FROM audit_log`).pluck().all()).toEqual(['patient.create']);
  });

  it('records VAS 0–10 only, against an existing patient', () => {
    const id = createPatient(deps(), nurse, { identifier: 'MRN-1', name: 'A' });
    if (!id.ok) throw new Error(id.error.message);
    expect(recordPain(deps(), nurse, { patientId: id.value, vas: 7 }).ok).toBe(true);
    expect(recordPain(deps(), nurse, { patientId: id.value, vas: 11 })).toMatchObject({
      ok: false,
      error: { field: 'vas' },
    });
    expect(recordPain(deps(), nurse, { patientId: 999, vas: 3 })).toMatchObject({
      ok: false,
      error: { field: 'patientId' },
    });
    expect(painHistory(f.db, id.value).map((p) => p.vas)).toEqual([7]);
  });
});
