import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit/verify';
import { performRefill } from '../../services/refill';
import { doctor, recordsFixture, refillVisit, type Component } from './records-support';

const f = recordsFixture();
const v = refillVisit(f);

describe('the refill visit', () => {
  describe('a drug change (physician): reservoir rinse, forced bridge of the old drug, the new drug at the ordered dose', () => {
    const baclofen: Component = {
      drug: 'baclofen',
      concentration: { value: '500', unit: 'mcg/mL' },
      dailyDose: { value: '200', unit: 'mcg/day' },
    };
    const syringe = {
      drug: 'baclofen' as const,
      concentration: { value: '500', unit: 'mcg/mL' as const },
      volumeMl: '40',
      lot: 'B1',
      expiry: '2027-01-31',
      preparedBy: 'pharmacy',
      checkedBy: 'dr.li',
    };

    it('is programmed by a physician only, and only after the rinse is recorded', async () => {
      const id = v.order(baclofen);
      const before = v.link.pump.status();
      expect(await performRefill(v.programmingDeps(), v.request({ prescriptionId: id, syringe }))).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', field: 'syringe.drug' },
      });
      expect(
        await performRefill(v.programmingDeps(), v.request({ nurse: doctor, prescriptionId: id, syringe })),
      ).toMatchObject({ ok: false, error: { field: 'rinse' } });
      expect(
        await performRefill(
          v.programmingDeps(),
          v.request({ nurse: doctor, prescriptionId: id, syringe, rinse: { volumeMl: '5' }, instilledMl: '36' }),
        ),
      ).toMatchObject({ ok: false, error: { field: 'instilledMl' } });
      expect(v.link.pump.status().lastTransactionId).toBe(before.lastTransactionId);
    });

    it('sends the new drug with the bridge of the old one at its running rate', async () => {
      const id = v.order(baclofen);
      const before = v.link.pump.status();
      const change = {
        nurse: doctor,
        prescriptionId: id,
        syringe,
        rinse: { volumeMl: '2' },
        instilledMl: '38',
        withdrawnMl: before.reservoirVolume.value,
      };
      // Morphine leaves the pump: a stop of morphine, with its withdrawal warning, acknowledged with a reason.
      expect(await performRefill(v.programmingDeps(), v.request(change))).toMatchObject({
        ok: false,
        error: { code: 'ACKNOWLEDGEMENT_REQUIRED' },
      });
      const refused = f.db
        .prepare(`SELECT acks_json FROM audit_log WHERE outcome = 'rejected' ORDER BY seq DESC LIMIT 1`)
        .pluck()
        .get() as string;
      expect(JSON.parse(refused)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            code: 'STOP_WITHDRAWAL_RISK',
            params: expect.objectContaining({ drug: 'morphine' }) as unknown,
          }),
        ]),
      );
      const r = await performRefill(
        v.programmingDeps(),
        v.request({
          ...change,
          acknowledgement: 'morphine replaced by baclofen for spasticity; oral morphine taper prescribed',
        }),
      );
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.outcome).toBe('confirmed');
      expect(r.value.change).toMatchObject({
        previousDrug: 'morphine',
        dailyDose: { value: '200', unit: 'mcg/day' },
        oldRate: before.rate,
        newRate: { value: '0.4', unit: 'mL/day' },
      });
      const after = v.link.pump.status();
      expect(after.drug).toBe('baclofen');
      expect(after.concentration).toEqual({ value: '500', unit: 'mcg/mL' });
      expect(after.bridge).toBeDefined();
      const audit = JSON.parse(
        f.db.prepare(`SELECT new_json FROM audit_log WHERE action = 'refill.record'`).pluck().get() as string,
      ) as Record<string, unknown>;
      expect(audit).toMatchObject({ prescriptionId: id, rinseMl: '2', newDrug: 'baclofen' });
      expect(verifyAudit(f.db, f.keys).ok).toBe(true);
    });
  });
});
