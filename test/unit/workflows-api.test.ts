import { beforeEach, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit/verify';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';

const f = runtimeFixture();
const call = (channel: string, input: unknown = {}) => f.call(channel, input);
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);
const minutes = (n: number) => {
  for (let i = 0; i < n; i++) f.clock.advanceDays(1 / 1440);
};

async function registerTrainingPump() {
  const { id } = await value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'non-cancer',
  });
  await value('pumps:register', { patientId: id, serial: 'SIM000123', modelId: 'sim-40', implantDate: '2026-01-10' });
  return id;
}

describe('signing in at the workstation', () => {
  it('asks for the first administrator, then refuses every clinical call until someone signs in', async () => {
    expect(await value('auth:status')).toMatchObject({ setupRequired: true, user: null });
    expect(await call('pump:interrogate')).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    expect(await call('patients:search', { query: '' })).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    expect(await value('auth:status')).toMatchObject({
      setupRequired: false,
      user: { username: 'nurse.wang', role: 'nurse' },
      locked: false,
    });
  });

  it('refuses a wrong password and keeps the previous state', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await value('auth:signOut');
    expect(await call('auth:signIn', { username: 'dr.li', password: 'wrong password!' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CREDENTIALS' },
    });
    expect(await value('auth:status')).toMatchObject({ user: null, locked: false });
  });

  it('locks after the idle time; polling does not keep it awake; the same user unlocks', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    minutes(4);
    await value('wand:status');
    await value('sessions:unconfirmed');
    await value('auth:status');
    minutes(1);
    expect(await call('pump:interrogate')).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    expect(await value('auth:status')).toMatchObject({ user: null, locked: true, lockedUser: { username: 'dr.li' } });
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    expect((await call('pump:interrogate')).ok).toBe(true);
  });

  it('tells a new workstation the site’s default language', async () => {
    expect(await value('auth:status')).toMatchObject({ language: 'zh-CN' });
    await signInThrough(f.runtime.dispatch, 'admin');
    await value('settings:update', { language: 'en' });
    expect(await value('auth:status')).toMatchObject({ language: 'en' });
  });

  it('locks by hand, and the site setting changes the idle time', async () => {
    await signInThrough(f.runtime.dispatch, 'admin');
    await value('settings:update', { idleLockMinutes: 2 });
    minutes(2);
    expect(await call('settings:get')).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    await value('auth:signIn', { username: 'admin', password: TEST_PASSWORD });
    await value('auth:lock');
    expect(await value('auth:status')).toMatchObject({ locked: true, idleLockMinutes: 2 });
  });

  it('lets each role reach only its own channels', async () => {
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    expect(await call('program:preview', { mode: 'continuous', dailyDose: '3' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await call('users:list')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await call('library:save', { library: (await value<{ library: unknown }>('library:get')).library }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await value('auth:signIn', { username: 'admin', password: TEST_PASSWORD });
    expect(await call('pump:interrogate')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await value<unknown[]>('users:list')).length).toBe(5);
  });
});

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

describe('the pump dashboard through the API', () => {
  it('sets the clock, runs the alarm test and reads both back from the pump’s own event log', async () => {
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    expect(await value('pump:setClock')).toMatchObject({ driftAfter: 0 });
    await value('pump:alarmTest');
    const events = await value<Array<{ code: string; at: string }>>('pump:events');
    expect(events.map((e) => e.code)).toEqual(['CLOCK_SET', 'ALARM_TEST']);
    await value('auth:signOut');
    expect(await call('pump:events')).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
  });
});

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

describe('a flex schedule through the API', () => {
  it('previews the whole day (24-h total, peak hourly), programs it and reads it back step by step', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await registerTrainingPump();
    const change = {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '2' },
        { start: '08:00', dailyDose: '4' },
      ],
    };
    const preview = await value<{
      settings: { steps: unknown[] };
      reviewed: unknown;
      totals: Record<string, { value: string }>;
      check: { verdict: string };
    }>('program:preview', change);
    expect(preview.settings.steps).toEqual([
      { start: '00:00', rate: { value: '0.2', unit: 'mL/day' } },
      { start: '08:00', rate: { value: '0.4', unit: 'mL/day' } },
    ]);
    // 2 mg/day for 8 h and 4 mg/day for 16 h: 3.333 mg over the day; 4 mg/day at its peak is 0.167 mg/h.
    expect(preview.totals['new24h']?.value).toMatch(/^3\.33/);
    expect(preview.totals['newPeakHourly']?.value).toMatch(/^0\.16[67]/);
    const done = await value('program:apply', {
      settings: preview.settings,
      reviewed: preview.reviewed,
      witness: { username: 'dr.chen', password: TEST_PASSWORD },
    });
    expect(done).toMatchObject({ outcome: 'confirmed', mismatches: [] });
    const read = await value<{ status: { mode: string; steps: unknown[] } }>('pump:interrogate');
    expect(read.status.mode).toBe('flex');
    expect(read.status.steps).toEqual(preview.settings.steps);
  });

  it('stops a step entered per hour where per day was meant (60 mcg/h instead of 60 mcg/day) with the daily limit', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await registerTrainingPump();
    // Morphine at 3 mg/day: one step typed as 72 (3 mg/h × 24) makes the day's dose far above the hard maximum.
    const preview = await value<{ check: { verdict: string } }>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '3' },
        { start: '20:00', dailyDose: '72' },
      ],
    });
    expect(preview.check.verdict).toBe('hard');
  });
});
