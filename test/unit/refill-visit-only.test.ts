import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { visitHelpers } from './refill-visit-support';

const f = runtimeFixture();
const { call, value, syringe, witness, auditOf, setUp, order, expectedResidual } = visitHelpers(f);

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
