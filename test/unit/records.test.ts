import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { painHistory, refillHistory, searchPatients } from '../../db/queries/records';
import { prescriptionsOf } from '../../db/queries/clinical';
import { SimulatorLink } from '../support/simulator-link';
import type { SignedInUser } from '../../services/auth/accounts';
import { runDemo } from '../../services/demo';
import { createFirstAdmin } from '../../services/auth/accounts';
import { createPatient, recordPain, registerPump } from '../../services/records';
import { cancelPrescription, createPrescription } from '../../services/orders';
import type { Drug } from '../../core/pump';
import type { ConcentrationQ, DailyDoseQ } from '../../core/units';
import { performRefill } from '../../services/refill';
import { type RefillRequest } from '../../services/refill-request';
import { interrogate } from '../../services/interrogation';
import { manualClock, tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let db: Db;
let audit: AuditLog;
let keys: FileKeyStore;
const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
const nurse: SignedInUser = { id: 3, username: 'nurse.wang', displayName: 'Wang', role: 'nurse' };
const nurse2: SignedInUser = { id: 4, username: 'nurse.zhou', displayName: 'Zhou', role: 'nurse' };
const admin: SignedInUser = { id: 1, username: 'pharm.zhao', displayName: 'Zhao', role: 'admin' };
const doctor: SignedInUser = { id: 5, username: 'dr.li', displayName: 'Li', role: 'physician' };

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = openDatabase(join(dir, 'r.sqlite'));
  keys = new FileKeyStore(join(dir, 'keys'));
  audit = new AuditLog(db, keys);
});
afterEach(() => {
  db.close();
  cleanup();
});

const deps = () => ({ db, audit, now: clock.now });

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
    expect(searchPatients(db, '王').map((p) => p.identifier)).toEqual(['MRN-1']);
    expect(searchPatients(db, 'MRN-1')).toHaveLength(1);
    expect(searchPatients(db, '%')).toHaveLength(0); // wildcards are literal
    expect(db.prepare(`SELECT action FROM audit_log`).pluck().all()).toEqual(['patient.create']);
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
    expect(painHistory(db, id.value).map((p) => p.vas)).toEqual([7]);
  });
});

describe('the refill visit', () => {
  let link: SimulatorLink;
  let pumpId: number;
  let patientId: number;
  let orderId: number;
  type Component = { drug: Drug; concentration: ConcentrationQ; dailyDose: DailyDoseQ };
  const morphine10: Component = {
    drug: 'morphine',
    concentration: { value: '10', unit: 'mg/mL' },
    dailyDose: { value: '3', unit: 'mg/day' },
  };
  const order = (component: Component = morphine10): number => {
    // One open order per pump: the one before is withdrawn first, as the physician would.
    for (const o of prescriptionsOf(db, patientId))
      if (o.status === 'open') cancelPrescription(deps(), doctor, o.id, 'replaced by a new order');
    const id = createPrescription(deps(), doctor, {
      patientId,
      pumpId,
      components: [component],
      mode: 'continuous',
      fillVolumeMl: '38',
    });
    if (!id.ok) throw new Error(id.error.message);
    return id.value;
  };
  const request = (over: Partial<RefillRequest> = {}): RefillRequest => ({
    nurse,
    prescriptionId: orderId,
    witness: nurse2,
    syringe: {
      drug: 'morphine',
      concentration: { value: '10', unit: 'mg/mL' },
      volumeMl: '40',
      lot: 'L1',
      expiry: '2027-01-31',
      preparedBy: 'pharmacy',
      checkedBy: 'dr.li',
    },
    withdrawnMl: '16.4',
    reservoirEmptied: true,
    instilledMl: '38',
    ...over,
  });

  beforeEach(async () => {
    link = new SimulatorLink({ clock: clock.now });
    // The pump is read first: an order is checked against the therapy it runs.
    const read = await interrogate({ ...deps(), link, actor: 'nurse.wang' });
    if (!read.ok) throw new Error(read.error.message);
    const patient = createPatient(deps(), nurse, { identifier: 'MRN-9', name: 'B', indication: 'cancer' });
    if (!patient.ok) throw new Error(patient.error.message);
    patientId = patient.value;
    const pump = registerPump(deps(), nurse, {
      patientId: patient.value,
      modelId: 'sim-40',
      serial: link.pump.serial,
      implantDate: '2025-10-01',
      catheterModelId: 'sim-cath',
      catheterLengthCm: '50',
    });
    if (!pump.ok) throw new Error(pump.error.message);
    pumpId = pump.value;
    orderId = order();
  });

  const programmingDeps = () => ({ ...deps(), link, library: defaultLibrary });

  it('updates the reservoir through the safe path, computes the discrepancy and forecasts the next refill', async () => {
    const expected = link.pump.status().reservoirVolume.value;
    const r = await performRefill(programmingDeps(), request({ withdrawnMl: expected }));
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
    expect(link.pump.status().reservoirVolume.value).toBe('38.0');
    expect(verifyAudit(db, keys).ok).toBe(true);
  });

  it('does not take "emptied" on trust when nothing was withdrawn: no overfill by a ticked box', async () => {
    const before = link.pump.status();
    expect(await performRefill(programmingDeps(), request({ withdrawnMl: '0' }))).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED', message: expect.stringContaining('unaccounted for') as unknown },
    });
    expect(link.pump.status().lastTransactionId).toBe(before.lastTransactionId);
    // With the reason given, more than the reservoir holds is still an overfill.
    expect(
      await performRefill(
        programmingDeps(),
        request({
          withdrawnMl: '0',
          instilledMl: '41',
          syringe: { ...request().syringe, volumeMl: '50' },
          acknowledgement: 'aspirated until nothing came',
        }),
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE', message: expect.stringContaining('overfilling is refused') as unknown },
    });
  });

  it('flags a withdrawal far below the expected residual (possible pocket fill) and keeps the trend', async () => {
    const expected = link.pump.status().reservoirVolume.value;
    const withdrawn = (Number.parseInt(expected, 10) - 3).toString();
    // 3 mL less came out than the pump counted: "emptied" must be confirmed with what was checked before 38 mL go in.
    expect(await performRefill(programmingDeps(), request({ withdrawnMl: withdrawn }))).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED', field: 'instilledMl' },
    });
    expect(
      await performRefill(programmingDeps(), request({ withdrawnMl: withdrawn, reservoirEmptied: false })),
    ).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE' } });
    // A flagged discrepancy completes only with what was checked and the patient's state, before anything is sent.
    expect(
      await performRefill(
        programmingDeps(),
        request({
          withdrawnMl: withdrawn,
          acknowledgement: 'aspirated until nothing came; no swelling at the pocket; physician informed',
        }),
      ),
    ).toMatchObject({ ok: false, error: { code: 'DISCREPANCY_UNACKNOWLEDGED' } });
    expect(link.pump.status().reservoirVolume.value).toBe(expected);
    const r = await performRefill(
      programmingDeps(),
      request({
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
    expect(link.pump.status().reservoirVolume.value).toBe('38.0');
    expect(refillHistory(db, pumpId)).toMatchObject([{ discrepancyFlag: 1 }]);
    expect(db.prepare(`SELECT reason FROM audit_log WHERE action = 'refill.record'`).pluck().get()).toContain(
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
    link.pump.apply('flex-1', flex);
    // The running patient bolus of a patient not known to be opioid-tolerant is pointed out, not a reason to stop the refill.
    expect(await performRefill(programmingDeps(), request())).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED' },
    });
    expect(
      await performRefill(
        programmingDeps(),
        request({ acknowledgement: 'patient bolus set by the implanting centre; physician informed' }),
      ),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(link.pump.settings.steps).toEqual(flex.steps);
    expect(link.pump.settings.patientBolus).toEqual(flex.patientBolus);
    expect(link.pump.settings.mode).toBe('flex');
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
    const before = link.pump.status();
    expect(await performRefill(programmingDeps(), request(over))).toMatchObject({ ok: false, error: { field } });
    expect(link.pump.status().lastTransactionId).toBe(before.lastTransactionId);
  });

  it('carries out the order once: it is filled with the refill and cannot be used again', async () => {
    const expected = link.pump.status().reservoirVolume.value;
    const r = await performRefill(programmingDeps(), request({ withdrawnMl: expected }));
    if (!r.ok) throw new Error(r.error.message);
    expect(db.prepare('SELECT status FROM prescriptions WHERE id = ?').pluck().get(orderId)).toBe('filled');
    expect(db.prepare('SELECT prescription_id FROM refills WHERE id = ?').pluck().get(r.value.refillId)).toBe(orderId);
    const before = link.pump.status();
    expect(await performRefill(programmingDeps(), request())).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', field: 'prescriptionId' },
    });
    expect(link.pump.status().lastTransactionId).toBe(before.lastTransactionId);
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
    expect(await performRefill(programmingDeps(), request({ prescriptionId: foreign.value }))).toMatchObject({
      ok: false,
      error: { field: 'prescriptionId', message: expect.stringContaining('another patient') as unknown },
    });
    expect(cancelPrescription(deps(), nurse, orderId, 'x')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(cancelPrescription(deps(), doctor, orderId, 'dose to be reviewed')).toEqual({ ok: true, value: null });
    expect(await performRefill(programmingDeps(), request())).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // The library's hard limit stops an order at once (morphine 10 mg/mL, hard maximum daily dose).
    expect(
      createPrescription(deps(), doctor, {
        patientId,
        pumpId,
        components: [{ ...morphine10, dailyDose: { value: '60', unit: 'mg/day' } }],
        mode: 'continuous',
      }),
    ).toMatchObject({ ok: false, error: { code: 'HARD_LIMIT', field: 'components.0' } });
    const higher = order({ ...morphine10, dailyDose: { value: '4', unit: 'mg/day' } });
    expect(await performRefill(programmingDeps(), request({ prescriptionId: higher }))).toMatchObject({
      ok: false,
      error: { field: 'prescriptionId', message: expect.stringContaining('Programming') as unknown },
    });
    expect(db.prepare(`SELECT count(*) FROM refills`).pluck().get()).toBe(0);
  });

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
      const id = order(baclofen);
      const before = link.pump.status();
      expect(await performRefill(programmingDeps(), request({ prescriptionId: id, syringe }))).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', field: 'syringe.drug' },
      });
      expect(
        await performRefill(programmingDeps(), request({ nurse: doctor, prescriptionId: id, syringe })),
      ).toMatchObject({ ok: false, error: { field: 'rinse' } });
      expect(
        await performRefill(
          programmingDeps(),
          request({ nurse: doctor, prescriptionId: id, syringe, rinse: { volumeMl: '5' }, instilledMl: '36' }),
        ),
      ).toMatchObject({ ok: false, error: { field: 'instilledMl' } });
      expect(link.pump.status().lastTransactionId).toBe(before.lastTransactionId);
    });

    it('sends the new drug with the bridge of the old one at its running rate', async () => {
      const id = order(baclofen);
      const before = link.pump.status();
      const change = {
        nurse: doctor,
        prescriptionId: id,
        syringe,
        rinse: { volumeMl: '2' },
        instilledMl: '38',
        withdrawnMl: before.reservoirVolume.value,
      };
      // Morphine leaves the pump: a stop of morphine, with its withdrawal warning, acknowledged with a reason.
      expect(await performRefill(programmingDeps(), request(change))).toMatchObject({
        ok: false,
        error: { code: 'ACKNOWLEDGEMENT_REQUIRED' },
      });
      const refused = db
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
        programmingDeps(),
        request({
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
      const after = link.pump.status();
      expect(after.drug).toBe('baclofen');
      expect(after.concentration).toEqual({ value: '500', unit: 'mcg/mL' });
      expect(after.bridge).toBeDefined();
      const audit = JSON.parse(
        db.prepare(`SELECT new_json FROM audit_log WHERE action = 'refill.record'`).pluck().get() as string,
      ) as Record<string, unknown>;
      expect(audit).toMatchObject({ prescriptionId: id, rinseMl: '2', newDrug: 'baclofen' });
      expect(verifyAudit(db, keys).ok).toBe(true);
    });
  });
});

describe('the demo', () => {
  it('builds a verified trail of programming and refill sessions through the services', async () => {
    const result = await runDemo({ db, audit }, { sessions: 30, seed: 7 });
    expect(result.sessions).toBe(30);
    expect(result.programming + result.refills).toBe(30);
    expect(result.refills).toBeGreaterThan(0);
    expect(result.accounts.map((a) => a.role).sort()).toEqual(['admin', 'nurse', 'nurse', 'physician']);
    expect(verifyAudit(db, keys)).toMatchObject({ ok: true, unprotectedTail: 0 });
    expect(db.prepare(`SELECT count(*) FROM programming_sessions WHERE outcome = 'confirmed'`).pluck().get()).toBe(
      result.programming + result.refills,
    );
    // Every session went through the wand protocol and kept its frames.
    expect(db.prepare('SELECT count(DISTINCT session_id) FROM session_frames').pluck().get()).toBe(
      result.programming + result.refills,
    );
  });

  it('refuses a database that has accounts of its own', async () => {
    await createFirstAdmin(deps(), {
      username: 'site.admin',
      displayName: 'Site admin',
      password: 'site admin password',
    });
    await expect(runDemo({ db, audit }, { sessions: 2 })).rejects.toThrow(/accounts of its own/);
  });
});
