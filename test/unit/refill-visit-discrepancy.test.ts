import { describe, expect, it } from 'vitest';
import { dec } from '../../core/decimal';
import { verifyAudit } from '../../db/audit/verify';
import { TEST_PASSWORD } from './helpers';
import { runtimeFixture } from './runtime-fixture';
import { visitHelpers } from './refill-visit-support';

const f = runtimeFixture();
const { call, value, syringe, witness, auditOf, setUp, order, expectedResidual } = visitHelpers(f);

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
