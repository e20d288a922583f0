import { describe, expect, it } from 'vitest';
import { dec } from '../../core/decimal';
import { verifyAudit } from '../../db/audit/verify';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { compareProgram, visitProgram } from '../../services/refill-visit';
import type { PumpStatus } from '../../core/pump';

const f = runtimeFixture();
const call = (channel: string, input: unknown = {}) => f.call(channel, input);
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);
const syringe = (concentration: string) => ({
  drug: 'morphine',
  concentration: { value: concentration, unit: 'mg/mL' },
  volumeMl: '40',
  lot: 'L7',
  expiry: '2027-06-30',
  preparedBy: 'Pharmacist Sun',
  checkedBy: 'Pharmacist Zhou',
});
const witness = { username: 'nurse.zhao', password: TEST_PASSWORD };
const auditOf = (action: string) =>
  f.runtime.db
    .prepare<[string], { actor: string; reason: string | null; newJson: string | null; oldJson: string | null }>(
      'SELECT actor, reason, new_json AS newJson, old_json AS oldJson FROM audit_log WHERE action = ? ORDER BY seq',
    )
    .all(action);

const ORDERS = {
  same: ['morphine', '10', '3'],
  dose: ['morphine', '10', '4'],
  concentration: ['morphine', '25', '3'],
  drug: ['hydromorphone', '2', '0.25'],
} as const;

/** The patient (opioid tolerant) and pump, read once; signed in as the nurse. */
async function setUp(): Promise<void> {
  await signInThrough(f.runtime.dispatch, 'nurse.wang');
  const { id } = await value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'cancer',
  });
  await value('pumps:register', {
    patientId: id,
    serial: 'SIM000123',
    modelId: 'sim-40',
    implantDate: '2026-01-10',
    catheterModelId: 'sim-cath',
    catheterLengthCm: '40',
  });
  await value('opioids:record', {
    patientId: id,
    record: { kind: 'morphine/oral', dose: '90', startDate: '2026-01-01' },
  });
  await value('pump:interrogate');
}

/**
 * Dr Li's order for the pump (one open order per pump: the one before is cancelled): the running
 * therapy (3 mg/day at 10 mg/mL), a new dose, a new concentration or a new drug. Signed in as `as` after.
 */
async function order(
  key: keyof typeof ORDERS,
  as = 'nurse.wang',
  program: { mode: 'continuous' | 'flex'; steps?: Array<{ start: string; dailyDose: string }> } = {
    mode: 'continuous',
  },
): Promise<number> {
  await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
  for (const open of await value<Array<{ id: number }>>('prescriptions:open', { serial: 'SIM000123' }))
    await value('prescriptions:cancel', { id: open.id, reason: 'another order' });
  const [drug, c, dose] = ORDERS[key];
  const { id } = await value<{ id: number }>('prescriptions:create', {
    patientId: 1,
    pumpId: 1,
    components: [{ drug, concentration: { value: c, unit: 'mg/mL' }, dailyDose: { value: dose, unit: 'mg/day' } }],
    ...program,
  });
  await value('auth:signIn', { username: as, password: TEST_PASSWORD });
  return id;
}

const expectedResidual = async () =>
  (await value<{ expectedResidualMl: string }>('refill:preview', { withdrawnMl: '0' })).expectedResidualMl;

describe('the refill-only visit', () => {
  it('decides when the order is chosen: only the running drug, concentration and dose; nothing is sent to the pump', async () => {
    await setUp();
    const events = (await value<unknown[]>('pump:events')).length;
    const same = await value<{
      eligible: boolean;
      blockers: string[];
      program: { identical: boolean; rows: Array<{ field: string; before: string; after: string; same: boolean }> };
    }>('refill:visitCheck', { prescriptionId: await order('same') });
    expect(same).toMatchObject({
      eligible: true,
      blockers: [],
      pumpSerial: 'SIM000123',
      patient: { identifier: 'P-1' },
      program: { identical: true },
    });
    expect(same.program.rows).toEqual(
      expect.arrayContaining([
        { field: 'dailyDose', before: '3 mg/day', after: '3 mg/day', same: true },
        { field: 'rate', before: '0.3 mL/day', after: '0.3 mL/day', same: true },
      ]),
    );
    expect(await value('refill:visitCheck', { prescriptionId: await order('dose') })).toMatchObject({
      eligible: false,
      blockers: ['doseChange'],
    });
    expect(await value('refill:visitCheck', { prescriptionId: await order('concentration') })).toMatchObject({
      eligible: false,
      blockers: ['concentrationChange'],
    });
    expect(await value('refill:visitCheck', { prescriptionId: await order('drug') })).toMatchObject({
      eligible: false,
      blockers: ['drugChange'],
    });
    expect(await call('refill:visitCheck', { prescriptionId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'prescriptionId' },
    });
    expect((await value<unknown[]>('pump:events')).length).toBe(events);
  });

  it('never reprograms: a concentration-change order is refused as a refill-only visit even for a physician', async () => {
    await setUp();
    const prescriptionId = await order('concentration', 'dr.li');
    const before = await value<{ status: { reservoirVolume: { value: string }; concentration: { value: string } } }>(
      'pump:interrogate',
    );
    const residual = before.status.reservoirVolume.value;
    const r = await call('refill:perform', {
      prescriptionId,
      syringe: syringe('25'),
      withdrawnMl: residual,
      reservoirEmptied: true,
      instilledMl: '20',
      witness,
      refillOnly: true,
    });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        field: 'prescriptionId',
        message: expect.stringContaining('refill-only visit') as unknown,
      },
    });
    const after = await value<{ status: { concentration: { value: string }; reservoirVolume: { value: string } } }>(
      'pump:interrogate',
    );
    expect(after.status.concentration.value).toBe('10');
    expect(after.status.reservoirVolume.value).toBe(residual);
  });

  it('re-sends the running program: the report compares the program read before with the one read back after', async () => {
    await setUp();
    const prescriptionId = await order('same');
    const residual = await expectedResidual();
    const report = await value<{
      outcome: string;
      program: { identical: boolean; rows: unknown[] };
      reviewId: number | null;
      newReservoirMl: string;
    }>('refill:perform', {
      prescriptionId,
      syringe: syringe('10'),
      withdrawnMl: residual,
      reservoirEmptied: true,
      instilledMl: '20',
      witness,
      refillOnly: true,
    });
    expect(report).toMatchObject({
      outcome: 'confirmed',
      newReservoirMl: '20',
      reviewId: null,
      program: { identical: true },
      refillOnly: true,
    });
    expect(report).not.toHaveProperty('discrepancyAcknowledgement');
    expect(report.program.rows.length).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(auditOf('refill.record')[0]?.newJson ?? '{}')).toMatchObject({
      refillOnly: true,
      discrepancyFlag: false,
    });
    expect(await value('reviews:list')).toEqual([]);
  });
});

describe('a flagged discrepancy', () => {
  it('needs the nurse’s acknowledgement before anything is sent, puts the pump on the review list, and a physician clears it with a note', async () => {
    await setUp();
    const prescriptionId = await order('same');
    const residual = await expectedResidual();
    const withdrawn = dec(residual).minus('4.9').toString();
    const refill = {
      prescriptionId,
      syringe: syringe('10'),
      withdrawnMl: withdrawn,
      reservoirEmptied: true,
      instilledMl: '20',
      witness,
    };
    const refused = await call('refill:perform', refill);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'DISCREPANCY_UNACKNOWLEDGED', field: 'discrepancyAcknowledgement' },
    });
    expect(
      await call('refill:perform', { ...refill, discrepancyAcknowledgement: { checked: 'ok', patientState: '' } }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // Nothing reached the pump, and the order is still open.
    expect(
      (await value<{ status: { reservoirVolume: { value: string } } }>('pump:interrogate')).status.reservoirVolume
        .value,
    ).toBe(residual);
    expect(auditOf('refill.record')).toEqual([]);

    const ack = {
      checked: 'Aspirated until nothing more came; no swelling at the pocket',
      patientState: 'Alert, no signs of overdose or withdrawal',
    };
    const report = await value<{ outcome: string; discrepancyFlag: boolean; reviewId: number }>('refill:perform', {
      ...refill,
      discrepancyAcknowledgement: ack,
    });
    expect(report).toMatchObject({
      outcome: 'confirmed',
      discrepancyFlag: true,
      reviewId: expect.any(Number) as unknown,
      // The printed report carries the acknowledgement, not just the flag.
      discrepancyAcknowledgement: ack,
    });
    expect(JSON.parse(auditOf('refill.record')[0]?.newJson ?? '{}')).toMatchObject({
      discrepancyFlag: true,
      discrepancyAcknowledgement: ack,
      physicianReview: 'required',
    });

    const list = await value<Array<Record<string, unknown>>>('reviews:list');
    expect(list).toEqual([
      expect.objectContaining({
        id: report.reviewId,
        pumpSerial: 'SIM000123',
        nurse: 'nurse.wang',
        discrepancyMl: '4.9',
        withdrawnMl: withdrawn,
        checked: ack.checked,
        patientState: ack.patientState,
        patient: expect.objectContaining({ identifier: 'P-1' }) as unknown,
      }),
    ]);
    // A nurse sees the list but cannot clear it.
    expect(await call('reviews:clear', { id: report.reviewId, note: 'seen' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    expect(await call('reviews:clear', { id: report.reviewId, note: '' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    await value('reviews:clear', { id: report.reviewId, note: 'Pocket examined: no fill; pump log normal. Continue.' });
    expect(await value('reviews:list')).toEqual([]);
    expect(await call('reviews:clear', { id: report.reviewId, note: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    const [cleared] = auditOf('review.clear');
    expect(cleared).toMatchObject({ actor: 'dr.li', reason: 'Pocket examined: no fill; pump log normal. Continue.' });
    expect(JSON.parse(cleared?.oldJson ?? '{}')).toMatchObject({
      reviewId: report.reviewId,
      discrepancyMl: '4.9',
      checked: ack.checked,
    });
    expect(verifyAudit(f.runtime.db, f.keys).ok).toBe(true);
  });
});

describe('the refill-only visit: the order is the running therapy as a whole', () => {
  const perform = (prescriptionId: number) =>
    expectedResidual().then((residual) =>
      call('refill:perform', {
        prescriptionId,
        syringe: syringe('10'),
        withdrawnMl: residual,
        reservoirEmptied: true,
        instilledMl: '20',
        witness,
        refillOnly: true,
      }),
    );
  const readPump = () =>
    value<{ status: { mode: string; reservoirVolume: { value: string }; steps?: unknown[] } }>('pump:interrogate');

  /** The pump programmed flex by Dr Li: 2 mg/day from 00:00, 4 mg/day from 12:00 (3 mg/day over the day). */
  async function flexPump(): Promise<void> {
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    const preview = await value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'flex',
      dailyDose: '0',
      steps: [
        { start: '00:00', dailyDose: '2' },
        { start: '12:00', dailyDose: '4' },
      ],
    });
    expect(
      await value('program:apply', {
        settings: preview.settings,
        reviewed: preview.reviewed,
        witness: { username: 'dr.chen', password: TEST_PASSWORD },
      }),
    ).toMatchObject({ outcome: 'confirmed' });
    expect((await readPump()).status.mode).toBe('flex');
    await value('auth:signIn', { username: 'nurse.wang', password: TEST_PASSWORD });
  }

  it('refuses a flex order for a continuous pump (same drug, concentration and dose) when chosen and when performed', async () => {
    await setUp();
    const prescriptionId = await order('same', 'nurse.wang', { mode: 'flex' });
    expect(await value('refill:visitCheck', { prescriptionId })).toMatchObject({
      eligible: false,
      blockers: ['modeChange'],
    });
    const before = await readPump();
    expect(await perform(prescriptionId)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', key: 'orderChangesMode', field: 'prescriptionId' },
    });
    const after = await readPump();
    expect(after.status.mode).toBe('continuous');
    expect(after.status.reservoirVolume.value).toBe(before.status.reservoirVolume.value);
  });

  it('refuses a flex order naming other steps for a flex pump; the same steps (or none named) are the visit', async () => {
    await setUp();
    await flexPump();
    const other = await order('same', 'nurse.wang', {
      mode: 'flex',
      steps: [
        { start: '00:00', dailyDose: '4' },
        { start: '12:00', dailyDose: '2' },
      ],
    });
    expect(await value('refill:visitCheck', { prescriptionId: other })).toMatchObject({
      eligible: false,
      blockers: ['scheduleChange'],
    });
    const before = await readPump();
    expect(await perform(other)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', key: 'orderChangesSchedule', field: 'prescriptionId' },
    });
    expect((await readPump()).status.reservoirVolume.value).toBe(before.status.reservoirVolume.value);
    const later = await order('same', 'nurse.wang', {
      mode: 'flex',
      steps: [
        { start: '00:00', dailyDose: '2' },
        { start: '06:00', dailyDose: '4' },
      ],
    });
    expect(await value('refill:visitCheck', { prescriptionId: later })).toMatchObject({
      eligible: false,
      // The same doses at another time of day: other steps.
      blockers: ['scheduleChange'],
    });
    const same = await order('same', 'nurse.wang', {
      mode: 'flex',
      steps: [
        { start: '00:00', dailyDose: '2' },
        { start: '12:00', dailyDose: '4' },
      ],
    });
    expect(await value('refill:visitCheck', { prescriptionId: same })).toMatchObject({ eligible: true, blockers: [] });
    const unnamed = await order('same', 'nurse.wang', { mode: 'flex' });
    expect(await value('refill:visitCheck', { prescriptionId: unnamed })).toMatchObject({
      eligible: true,
      blockers: [],
    });
    const continuous = await order('same');
    expect(await value('refill:visitCheck', { prescriptionId: continuous })).toMatchObject({
      eligible: false,
      blockers: ['modeChange'],
    });
    const again = await order('same', 'nurse.wang', {
      mode: 'flex',
      steps: [
        { start: '00:00', dailyDose: '2' },
        { start: '12:00', dailyDose: '4' },
      ],
    });
    expect(await perform(again)).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed', program: { identical: true } },
    });
  });
});

describe('the visit’s before and after', () => {
  it('compares the reading with the program the visit sends, computed from the settings re-sent, not the reading twice', async () => {
    await setUp();
    const { status } = await value<{ status: PumpStatus }>('pump:interrogate');
    // As read: the same program on both sides.
    expect(compareProgram(status, visitProgram(status)).identical).toBe(true);
    // A reading whose reported daily dose disagrees with its own rate (0.3 mL/day at 10 mg/mL is 3 mg/day):
    // the after side's dose comes from the settings that are sent, so the difference shows.
    const odd: PumpStatus = { ...status, dailyDose: { value: '4', unit: 'mg/day' } };
    const compared = compareProgram(odd, visitProgram(odd));
    expect(compared.identical).toBe(false);
    expect(compared.rows).toContainEqual({ field: 'dailyDose', before: '4 mg/day', after: '3 mg/day', same: false });
    expect(compared.rows).toContainEqual({ field: 'rate', before: '0.3 mL/day', after: '0.3 mL/day', same: true });
    // Another program on the after side shows row by row (here the mode).
    const flex: PumpStatus = { ...status, mode: 'flex', steps: [{ start: '00:00', rate: status.rate }] };
    expect(compareProgram(status, visitProgram(flex)).rows).toContainEqual({
      field: 'mode',
      before: 'continuous',
      after: 'flex',
      same: false,
    });
  });
});
