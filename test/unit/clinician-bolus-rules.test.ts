import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';

// Two rules of the clinician bolus through the API, on a real runtime (SQLite file, simulated pump):
// a site library without a repeat window, and a priming bolus before a refill.
const f = runtimeFixture();
const witness = { username: 'dr.chen', password: TEST_PASSWORD };
type Finding = { code: string; level: string; params: Record<string, string> };
type Preview = { reviewed: unknown; check: { verdict: string; findings: Finding[] } };
type Status = { lastTransactionId: string | null };
const codes = (p: Preview) => p.check.findings.map((x) => `${x.code}:${x.level}`);
const statusOf = async () => (await f.value<{ status: Status }>('pump:interrogate')).status;

/** Dr Li signed in; patient P-1 with the training pump (morphine 10 mg/mL, 3 mg/day) and a 40 cm catheter registered. */
async function clinic(): Promise<{ patientId: number }> {
  await signInThrough(f.runtime.dispatch, 'dr.li');
  const { id } = await f.value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'cancer',
  });
  await f.value('pumps:register', {
    patientId: id,
    serial: 'SIM000123',
    modelId: 'sim-40',
    implantDate: '2026-01-10',
    catheterModelId: 'sim-cath',
    catheterLengthCm: '40',
  });
  await f.value('pump:interrogate');
  return { patientId: id };
}

/** Moves the manual clock on and signs Dr Li in again (a long pause locks the session). */
async function later(minutes: number): Promise<void> {
  f.clock.advanceMinutes(minutes);
  await f.value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
}

async function give(request: Record<string, unknown>, extra: Record<string, unknown> = { witness }) {
  const preview = await f.value<Preview>('bolus:preview', request);
  return f.call('bolus:deliver', { request, reviewed: preview.reviewed, ...extra });
}

/** A refill of the same morphine 10 mg/mL at the dose it runs, ordered by Dr Li, with Nurse Zhao as the witness. */
async function refill(patientId: number): Promise<void> {
  await f.value('pump:interrogate');
  const { id: prescriptionId } = await f.value<{ id: number }>('prescriptions:create', {
    patientId,
    anyPump: true,
    components: [
      { drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' }, dailyDose: { value: '3', unit: 'mg/day' } },
    ],
    mode: 'continuous',
    fillVolumeMl: '20',
  });
  const { expectedResidualMl } = await f.value<{ expectedResidualMl: string }>('refill:preview', {
    withdrawnMl: '0',
  });
  const report = await f.value<{ outcome: string }>('refill:perform', {
    prescriptionId,
    syringe: {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      volumeMl: '20',
      lot: 'L1',
      expiry: '2027-01-01',
      preparedBy: 'Pharmacist Sun',
      checkedBy: 'Pharmacist Zhou',
    },
    withdrawnMl: expectedResidualMl,
    reservoirEmptied: true,
    instilledMl: '20',
    witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
  });
  expect(report.outcome).toBe('confirmed');
}

describe('a site library without a clinician-bolus repeat window', () => {
  it('asks for a reason before a second bolus of the window (CLINICIAN_BOLUS_REPEAT_NO_LIMIT, soft), and none before the first', async () => {
    await clinic();
    // The administrator saves the site's library with morphine's repeat window taken out.
    await f.value('auth:signIn', { username: 'admin', password: TEST_PASSWORD });
    const { library } = await f.value<{
      library: { entries: Array<{ drug: string; clinicianBolus?: { window?: unknown } }> } & Record<string, unknown>;
    }>('library:get');
    const morphine = library.entries.find((e) => e.drug === 'morphine');
    expect(morphine?.clinicianBolus?.window).toBeDefined();
    delete morphine?.clinicianBolus?.window;
    await f.value('library:save', { library: { ...library, name: 'Site library without a repeat window' } });
    await f.value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });

    const request = { kind: 'single', dose: '0.3', durationMinutes: 10 };
    expect(codes(await f.value<Preview>('bolus:preview', request))).not.toContain(
      'CLINICIAN_BOLUS_REPEAT_NO_LIMIT:soft',
    );
    expect(await give(request)).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    await later(300);
    const second = await f.value<Preview>('bolus:preview', request);
    // No total and no interval to hold it to: only the soft finding asking to check the record.
    expect(codes(second)).toEqual(['CLINICIAN_BOLUS_REPEAT_NO_LIMIT:soft']);
    expect(second.check.verdict).toBe('soft');
    expect(second.check.findings[0]?.params).toMatchObject({ drug: 'morphine', count: '1', hours: '24' });
    const before = await statusOf();
    expect(await give(request)).toMatchObject({ ok: false, error: { code: 'ACKNOWLEDGEMENT_REQUIRED' } });
    expect((await statusOf()).lastTransactionId).toBe(before.lastTransactionId);
    expect(
      await give(request, { witness, acknowledgement: 'breakthrough pain; checked the record: 0.3 mg at 08:00' }),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
  });
});

describe('a priming bolus before a refill', () => {
  it('still primes the catheter for 24 hours after it (a new priming is refused); older than 24 h, a new priming is allowed', async () => {
    const { patientId } = await clinic();
    const priming = { kind: 'priming', durationMinutes: 30, catheterPrimed: false };
    expect(await give(priming)).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    await later(60);
    await refill(patientId);
    // Two hours after the priming, one after the refill: the catheter is still primed.
    await later(60);
    const within = await f.value<Preview>('bolus:preview', priming);
    expect(codes(within)).toEqual(['PRIMING_REPEATED:hard']);
    expect(within.check.findings[0]?.params).toMatchObject({ volume: '0.3', hours: '2' });
    const before = await statusOf();
    expect(await give(priming)).toMatchObject({ ok: false, error: { code: 'HARD_LIMIT' } });
    expect((await statusOf()).lastTransactionId).toBe(before.lastTransactionId);
    // 24 h and 1 min after the priming, with the refill after it: the catheter may need priming again.
    await later(22 * 60 + 1);
    const after = await f.value<Preview>('bolus:preview', priming);
    expect(codes(after)).not.toContain('PRIMING_REPEATED:hard');
    expect(after.check.verdict).not.toBe('hard');
    expect(await give(priming)).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
  });
});
