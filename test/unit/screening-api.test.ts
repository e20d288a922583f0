import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough } from './helpers';

// The screening trial through the app's API (screening:record), against a real SQLite file.
const f = runtimeFixture();
const call = (channel: string, input: unknown = {}) => f.call(channel, input);
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);
const doses = () =>
  f.runtime.db
    .prepare<[], { given_at: string; drug: string; dose_json: string }>(
      'SELECT given_at, drug, dose_json FROM screening_doses ORDER BY id',
    )
    .all();
const trials = () => f.runtime.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM screening_trials').get()?.n;
const audits = () =>
  f.runtime.db
    .prepare<
      [],
      {
        reason: string | null;
        acknowledgements: string | null;
        library_version: string | null;
        new_value: string | null;
      }
    >(
      `SELECT reason, acks_json AS acknowledgements, library_version, new_json AS new_value FROM audit_log WHERE action = 'screening.record' ORDER BY seq`,
    )
    .all();

/** Signed in as the administrator to set the clinic's time zone, then as Dr Li with patient P-1. */
async function clinic(timeZone: string) {
  await signInThrough(f.runtime.dispatch, 'admin');
  await value('settings:update', { timeZone });
  await value('auth:signIn', { username: 'dr.li', password: 'correct horse battery' });
  const { id } = await value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'cancer',
  });
  return id;
}
const trial = (patientId: number, dose: Record<string, unknown>) => ({
  patientId,
  trialDate: '2026-03-08',
  time: '09:00',
  drug: 'morphine',
  dose: '0.2',
  unit: 'mg',
  vasBefore: 8,
  vasAfter: 3,
  decision: 'implant',
  ...dose,
});

describe('screening:record checks the test dose against the drug library', () => {
  it('refuses 10 mg of intrathecal morphine (usual test dose 0.1–0.5 mg): hard, names the limit, asks to check the unit, stores nothing', async () => {
    const id = await clinic('Asia/Shanghai');
    const r = await call(
      'screening:record',
      trial(id, { dose: '10', acknowledgement: 'the patient is opioid tolerant' }),
    );
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'HARD_LIMIT',
        key: 'finding.SCREENING_DOSE_ABOVE_MAX',
        field: 'doses.0.dose.value',
        params: { dose: '10', unit: 'mg', max: '1', limitUnit: 'mg', level: 'hard' },
      },
    });
    expect(!r.ok && r.error.message).toMatch(/hard maximum of 1 mg .*check the unit/);
    expect(trials()).toBe(0);
    expect(doses()).toEqual([]);
    expect(audits()).toEqual([]);
  });

  it('compares across units: 200 mcg of morphine is 0.2 mg (ok), 2000 mcg is 2 mg (hard)', async () => {
    const id = await clinic('Asia/Shanghai');
    expect(await call('screening:record', trial(id, { dose: '2000', unit: 'mcg' }))).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT', params: { doseInLimitUnit: '2', max: '1' } },
    });
    expect(await call('screening:record', trial(id, { dose: '200', unit: 'mcg' }))).toMatchObject({ ok: true });
    expect(audits()).toHaveLength(1);
    expect(audits()[0]).toMatchObject({ reason: null, acknowledgements: null });
  });

  it('a soft finding (0.8 mg morphine, soft maximum 0.5 mg) is recorded only with a reason, kept in the audit record', async () => {
    const id = await clinic('Asia/Shanghai');
    const bare = await call('screening:record', trial(id, { dose: '0.8' }));
    expect(bare).toMatchObject({
      ok: false,
      error: {
        code: 'ACKNOWLEDGEMENT_REQUIRED',
        key: 'finding.SCREENING_DOSE_ABOVE_MAX',
        field: 'acknowledgement',
        params: { level: 'soft', max: '0.5' },
      },
    });
    expect(await call('screening:record', trial(id, { dose: '0.8', acknowledgement: '  ' }))).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED' },
    });
    expect(trials()).toBe(0);
    expect(
      await call(
        'screening:record',
        trial(id, { dose: '0.8', acknowledgement: 'opioid tolerant: 120 mg/day oral morphine' }),
      ),
    ).toMatchObject({ ok: true });
    const [record] = audits();
    expect(record?.reason).toBe('opioid tolerant: 120 mg/day oral morphine');
    expect(JSON.parse(record?.acknowledgements ?? '[]')).toEqual([
      expect.objectContaining({ code: 'SCREENING_DOSE_ABOVE_MAX', level: 'soft', dose: 0 }),
    ]);
    expect(record?.library_version).toMatch(/^\d+:sha256:/);
    expect(JSON.parse(record?.new_value ?? '{}')).not.toHaveProperty('acknowledgement');
  });

  it('ziconotide, for which the library sets no single-bolus limit, needs a reason', async () => {
    const id = await clinic('Asia/Shanghai');
    expect(await call('screening:record', trial(id, { drug: 'ziconotide', dose: '2', unit: 'mcg' }))).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED', key: 'finding.SCREENING_DOSE_NO_LIMIT' },
    });
    expect(
      await call(
        'screening:record',
        trial(id, { drug: 'ziconotide', dose: '2', unit: 'mcg', acknowledgement: 'trial protocol: 2 mcg bolus' }),
      ),
    ).toMatchObject({ ok: true });
  });

  it('refuses a test dose of zero', async () => {
    const id = await clinic('Asia/Shanghai');
    expect(await call('screening:record', trial(id, { dose: '0' }))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'doses.0.dose.value' },
    });
  });
});

describe('screening:record stores the time the user typed as clinic local time', () => {
  it('09:00 in Shanghai is 01:00 UTC', async () => {
    const id = await clinic('Asia/Shanghai');
    await value('screening:record', trial(id, {}));
    expect(doses()[0]?.given_at).toBe('2026-03-08T01:00:00.000Z');
  });

  it('New York on 2026-03-08: 01:30 is EST (06:30 UTC), 09:00 EDT (13:00 UTC), 02:30 never happened', async () => {
    const id = await clinic('America/New_York');
    await value('screening:record', trial(id, { time: '01:30' }));
    await value('screening:record', trial(id, { time: '09:00' }));
    expect(doses().map((d) => d.given_at)).toEqual(['2026-03-08T06:30:00.000Z', '2026-03-08T13:00:00.000Z']);
    expect(await call('screening:record', trial(id, { time: '02:30' }))).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        key: 'localTimeNonexistent',
        field: 'time',
        params: { timeZone: 'America/New_York' },
      },
    });
    expect(trials()).toBe(2);
  });
});
