import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit/verify';
import { refillHistory } from '../../db/queries/records';
import { createPatient } from '../../services/records';
import { cancelPrescription, createPrescription } from '../../services/orders';
import { performRefill } from '../../services/refill';
import { doctor, morphine10, nurse, recordsFixture, refillVisit } from './records-support';

const f = recordsFixture();
const { deps } = f;
const v = refillVisit(f);

describe('the refill visit', () => {
  it('updates the reservoir through the safe path, computes the discrepancy and forecasts the next refill', async () => {
    const expected = v.link.pump.status().reservoirVolume.value;
    const r = await performRefill(v.programmingDeps(), v.request({ withdrawnMl: expected }));
    // 38 mL at 0.3 mL/day lasts 120 days to the 2 mL alarm; morphine is stable 90 days in the pump.
    expect(r).toMatchObject({
      ok: true,
      value: {
        outcome: 'confirmed',
        discrepancyMl: '0',
        discrepancyFlag: false,
        forecast: { daysToAlarm: '120', limitingFactor: 'stability', nextRefillDate: '2026-05-30', replacePump: false },
      },
    });
    expect(v.link.pump.status().reservoirVolume.value).toBe('38.0');
    expect(verifyAudit(f.db, f.keys).ok).toBe(true);
  });

  it('does not take "emptied" on trust when nothing was withdrawn: no overfill by a ticked box', async () => {
    const before = v.link.pump.status();
    expect(await performRefill(v.programmingDeps(), v.request({ withdrawnMl: '0' }))).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED', message: expect.stringContaining('unaccounted for') as unknown },
    });
    expect(v.link.pump.status().lastTransactionId).toBe(before.lastTransactionId);
    // With the reason given, more than the reservoir holds is still an overfill.
    expect(
      await performRefill(
        v.programmingDeps(),
        v.request({
          withdrawnMl: '0',
          instilledMl: '41',
          syringe: { ...v.request().syringe, volumeMl: '50' },
          acknowledgement: 'aspirated until nothing came',
        }),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE', message: expect.stringContaining('overfilling is refused') as unknown },
    });
  });

  it('flags a withdrawal far below the expected residual (possible pocket fill) and keeps the trend', async () => {
    const expected = v.link.pump.status().reservoirVolume.value;
    const withdrawn = (Number.parseInt(expected, 10) - 3).toString();
    // 3 mL less came out than the pump counted: "emptied" must be confirmed with what was checked before 38 mL go in.
    expect(await performRefill(v.programmingDeps(), v.request({ withdrawnMl: withdrawn }))).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED', field: 'instilledMl' },
    });
    expect(
      await performRefill(v.programmingDeps(), v.request({ withdrawnMl: withdrawn, reservoirEmptied: false })),
    ).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE' } });
    // A flagged discrepancy completes only with what was checked and the patient's state, before anything is sent.
    expect(
      await performRefill(
        v.programmingDeps(),
        v.request({
          withdrawnMl: withdrawn,
          acknowledgement: 'aspirated until nothing came; no swelling at the pocket; physician informed',
        }),
      ),
    ).toMatchObject({ ok: false, error: { code: 'DISCREPANCY_UNACKNOWLEDGED' } });
    expect(v.link.pump.status().reservoirVolume.value).toBe(expected);
    const r = await performRefill(
      v.programmingDeps(),
      v.request({
        withdrawnMl: withdrawn,
        discrepancyAcknowledgement: {
          checked: 'aspirated until nothing came; no swelling at the pocket',
          patientState: 'well, no signs of overdose or withdrawal',
        },
      }),
    );
    expect(r).toMatchObject({
      ok: true,
      value: { discrepancyFlag: true, newReservoirMl: '38', reviewId: expect.any(Number) as unknown },
    });
    // The pump counts what the nurse put into the emptied reservoir, never more (a late alarm runs it dry).
    expect(v.link.pump.status().reservoirVolume.value).toBe('38.0');
    expect(refillHistory(f.db, v.pumpId)).toMatchObject([{ discrepancyFlag: 1 }]);
    expect(f.db.prepare(`SELECT reason FROM audit_log WHERE action = 'refill.record'`).pluck().get()).toContain(
      'pocket fill',
    );
  });

  it('keeps a flex schedule and the patient bolus settings through a refill, changing only the reservoir', async () => {
    const flex = {
      drug: 'morphine' as const,
      concentration: { value: '10', unit: 'mg/mL' as const },
      mode: 'flex' as const,
      rate: { value: '0.2', unit: 'mL/day' as const },
      steps: [
        { start: '00:00', rate: { value: '0.2', unit: 'mL/day' as const } },
        { start: '12:00', rate: { value: '0.4', unit: 'mL/day' as const } },
      ],
      patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
    };
    v.link.pump.apply('flex-1', flex);
    // The running patient bolus of a patient not known to be opioid-tolerant is pointed out, not a reason to stop the refill.
    expect(await performRefill(v.programmingDeps(), v.request())).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED' },
    });
    expect(
      await performRefill(
        v.programmingDeps(),
        v.request({ acknowledgement: 'patient bolus set by the implanting centre; physician informed' }),
      ),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(v.link.pump.settings.steps).toEqual(flex.steps);
    expect(v.link.pump.settings.patientBolus).toEqual(flex.patientBolus);
    expect(v.link.pump.settings.mode).toBe('flex');
  });

  it.each([
    [
      'a syringe of another drug than the order',
      {
        syringe: {
          drug: 'hydromorphone' as const,
          concentration: { value: '10', unit: 'mg/mL' as const },
          volumeMl: '40',
          lot: 'L',
          expiry: '2027-01-01',
          preparedBy: 'p',
          checkedBy: 'c',
        },
      },
      'syringe',
    ],
    [
      'a syringe of another concentration than the order',
      {
        syringe: {
          drug: 'morphine' as const,
          concentration: { value: '25', unit: 'mg/mL' as const },
          volumeMl: '40',
          lot: 'L',
          expiry: '2027-01-01',
          preparedBy: 'p',
          checkedBy: 'c',
        },
      },
      'syringe',
    ],
    [
      'an expired syringe',
      {
        syringe: {
          drug: 'morphine' as const,
          concentration: { value: '10', unit: 'mg/mL' as const },
          volumeMl: '40',
          lot: 'L',
          expiry: '2026-02-01',
          preparedBy: 'p',
          checkedBy: 'c',
        },
      },
      'syringe.expiry',
    ],
    [
      'an overfill beyond the capacity',
      {
        instilledMl: '41',
        syringe: {
          drug: 'morphine' as const,
          concentration: { value: '10', unit: 'mg/mL' as const },
          volumeMl: '50',
          lot: 'L',
          expiry: '2027-01-01',
          preparedBy: 'p',
          checkedBy: 'c',
        },
      },
      'instilledMl',
    ],
  ])('refuses %s and leaves the pump untouched', async (_name, over, field) => {
    const before = v.link.pump.status();
    expect(await performRefill(v.programmingDeps(), v.request(over))).toMatchObject({ ok: false, error: { field } });
    expect(v.link.pump.status().lastTransactionId).toBe(before.lastTransactionId);
  });

  it('carries out the order once: it is filled with the refill and cannot be used again', async () => {
    const expected = v.link.pump.status().reservoirVolume.value;
    const r = await performRefill(v.programmingDeps(), v.request({ withdrawnMl: expected }));
    if (!r.ok) throw new Error(r.error.message);
    expect(f.db.prepare('SELECT status FROM prescriptions WHERE id = ?').pluck().get(v.orderId)).toBe('filled');
    expect(f.db.prepare('SELECT prescription_id FROM refills WHERE id = ?').pluck().get(r.value.refillId)).toBe(
      v.orderId,
    );
    const before = v.link.pump.status();
    expect(await performRefill(v.programmingDeps(), v.request())).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', field: 'prescriptionId' },
    });
    expect(v.link.pump.status().lastTransactionId).toBe(before.lastTransactionId);
  });

  it('refuses an order for another patient, a cancelled order, and an order whose dose is not the pump’s', async () => {
    const other = createPatient(deps(), nurse, { identifier: 'MRN-10', name: 'C' });
    if (!other.ok) throw new Error(other.error.message);
    // A patient with no pump on record: the order is a start, within the starting dose.
    expect(
      createPrescription(deps(), doctor, {
        patientId: other.value,
        anyPump: true,
        components: [morphine10],
        mode: 'continuous',
      }),
    ).toMatchObject({ ok: false, error: { code: 'HARD_LIMIT' } });
    const foreign = createPrescription(deps(), doctor, {
      patientId: other.value,
      anyPump: true,
      components: [{ ...morphine10, dailyDose: { value: '0.5', unit: 'mg/day' } }],
      mode: 'continuous',
    });
    if (!foreign.ok) throw new Error(foreign.error.message);
    expect(await performRefill(v.programmingDeps(), v.request({ prescriptionId: foreign.value }))).toMatchObject({
      ok: false,
      error: { field: 'prescriptionId', message: expect.stringContaining('another patient') as unknown },
    });
    expect(cancelPrescription(deps(), nurse, v.orderId, 'x')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(cancelPrescription(deps(), doctor, v.orderId, 'dose to be reviewed')).toEqual({ ok: true, value: null });
    expect(await performRefill(v.programmingDeps(), v.request())).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    // The library's hard limit stops an order at once (morphine 10 mg/mL, hard maximum daily dose).
    expect(
      createPrescription(deps(), doctor, {
        patientId: v.patientId,
        pumpId: v.pumpId,
        components: [{ ...morphine10, dailyDose: { value: '60', unit: 'mg/day' } }],
        mode: 'continuous',
      }),
    ).toMatchObject({ ok: false, error: { code: 'HARD_LIMIT', field: 'components.0' } });
    const higher = v.order({ ...morphine10, dailyDose: { value: '4', unit: 'mg/day' } });
    expect(await performRefill(v.programmingDeps(), v.request({ prescriptionId: higher }))).toMatchObject({
      ok: false,
      error: { field: 'prescriptionId', message: expect.stringContaining('Programming') as unknown },
    });
    expect(f.db.prepare(`SELECT count(*) FROM refills`).pluck().get()).toBe(0);
  });
});
