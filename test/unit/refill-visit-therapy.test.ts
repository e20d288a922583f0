import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from './helpers';
import { runtimeFixture } from './runtime-fixture';
import { visitHelpers } from './refill-visit-support';

const f = runtimeFixture();
const { call, value, syringe, witness, setUp, order, expectedResidual } = visitHelpers(f);

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
        { start: '18:00', dailyDose: '2' },
      ],
    });
    expect(await value('refill:visitCheck', { prescriptionId: later })).toMatchObject({
      eligible: false,
      // The same doses and daily total at other times of day: other steps.
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
