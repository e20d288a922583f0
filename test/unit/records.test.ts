import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { painHistory, refillHistory, searchPatients } from '../../db/queries/records';
import { SimulatorLink } from '../../drivers/simulator/link';
import type { SignedInUser } from '../../services/auth/accounts';
import { runDemo } from '../../services/demo';
import { createFirstAdmin } from '../../services/auth/accounts';
import { createPatient, recordPain, registerPump } from '../../services/records';
import { performRefill, type RefillRequest } from '../../services/refill';
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
    const id = createPatient(deps(), nurse, { identifier: 'MRN-1', name: '王 建国', indication: 'cancer', indicationKind: 'spinal metastasis' });
    expect(id).toMatchObject({ ok: true });
    expect(createPatient(deps(), nurse, { identifier: 'MRN-1', name: 'Other' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', field: 'identifier' } });
    expect(createPatient(deps(), admin, { identifier: 'MRN-2', name: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(searchPatients(db, '王').map((p) => p.identifier)).toEqual(['MRN-1']);
    expect(searchPatients(db, 'MRN-1')).toHaveLength(1);
    expect(searchPatients(db, '%')).toHaveLength(0); // wildcards are literal
    expect(db.prepare(`SELECT action FROM audit_log`).pluck().all()).toEqual(['patient.create']);
  });

  it('records VAS 0–10 only, against an existing patient', () => {
    const id = createPatient(deps(), nurse, { identifier: 'MRN-1', name: 'A' });
    if (!id.ok) throw new Error(id.error.message);
    expect(recordPain(deps(), nurse, { patientId: id.value, vas: 7 }).ok).toBe(true);
    expect(recordPain(deps(), nurse, { patientId: id.value, vas: 11 })).toMatchObject({ ok: false, error: { field: 'vas' } });
    expect(recordPain(deps(), nurse, { patientId: 999, vas: 3 })).toMatchObject({ ok: false, error: { field: 'patientId' } });
    expect(painHistory(db, id.value).map((p) => p.vas)).toEqual([7]);
  });
});

describe('the refill visit', () => {
  let link: SimulatorLink;
  let pumpId: number;
  const request = (over: Partial<RefillRequest> = {}): RefillRequest => ({
    nurse,
    witness: nurse2,
    syringe: { drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' }, volumeMl: '40', lot: 'L1', expiry: '2027-01-31', preparedBy: 'pharmacy', checkedBy: 'dr.li' },
    withdrawnMl: '16.4',
    instilledMl: '38',
    ...over,
  });

  beforeEach(() => {
    link = new SimulatorLink({ clock: clock.now });
    const patient = createPatient(deps(), nurse, { identifier: 'MRN-9', name: 'B', indication: 'cancer' });
    if (!patient.ok) throw new Error(patient.error.message);
    const pump = registerPump(deps(), nurse, { patientId: patient.value, modelId: 'sim-40', serial: link.pump.serial, implantDate: '2025-10-01' });
    if (!pump.ok) throw new Error(pump.error.message);
    pumpId = pump.value;
  });

  const programmingDeps = () => ({ ...deps(), link, library: defaultLibrary });

  it('updates the reservoir through the safe path, computes the discrepancy and forecasts the next refill', async () => {
    const expected = link.pump.status().reservoirVolume.value;
    const r = await performRefill(programmingDeps(), request({ withdrawnMl: expected }));
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed', discrepancyMl: '0', discrepancyFlag: false, forecast: { limitingFactor: 'alarm' } } });
    expect(link.pump.status().reservoirVolume.value).toBe('38.0');
    expect(verifyAudit(db, keys).ok).toBe(true);
  });

  it('flags a withdrawal far below the expected residual (possible pocket fill) and keeps the trend', async () => {
    const expected = link.pump.status().reservoirVolume.value;
    const withdrawn = (Number.parseInt(expected, 10) - 3).toString();
    const r = await performRefill(programmingDeps(), request({ withdrawnMl: withdrawn }));
    expect(r).toMatchObject({ ok: true, value: { discrepancyFlag: true } });
    expect(refillHistory(db, pumpId)).toMatchObject([{ discrepancyFlag: 1 }]);
    expect(db.prepare(`SELECT reason FROM audit_log WHERE action = 'refill.record'`).pluck().get()).toContain('pocket fill');
  });

  it('keeps a flex schedule and the patient bolus settings through a refill, changing only the reservoir', async () => {
    const flex = {
      drug: 'morphine' as const,
      concentration: { value: '10', unit: 'mg/mL' as const },
      mode: 'flex' as const,
      rate: { value: '0.2', unit: 'mL/day' as const },
      steps: [{ start: '00:00', rate: { value: '0.2', unit: 'mL/day' as const } }, { start: '12:00', rate: { value: '0.4', unit: 'mL/day' as const } }],
      patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
    };
    link.pump.apply('flex-1', flex);
    expect(await performRefill(programmingDeps(), request())).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(link.pump.settings.steps).toEqual(flex.steps);
    expect(link.pump.settings.patientBolus).toEqual(flex.patientBolus);
    expect(link.pump.settings.mode).toBe('flex');
  });

  it.each([
    ['the wrong drug in the syringe', { syringe: { drug: 'hydromorphone' as const, concentration: { value: '10', unit: 'mg/mL' as const }, volumeMl: '40', lot: 'L', expiry: '2027-01-01', preparedBy: 'p', checkedBy: 'c' } }, 'syringe.drug'],
    ['the wrong concentration (a nurse may not reprogram)', { syringe: { drug: 'morphine' as const, concentration: { value: '25', unit: 'mg/mL' as const }, volumeMl: '40', lot: 'L', expiry: '2027-01-01', preparedBy: 'p', checkedBy: 'c' } }, 'syringe.concentration'],
    ['an expired syringe', { syringe: { drug: 'morphine' as const, concentration: { value: '10', unit: 'mg/mL' as const }, volumeMl: '40', lot: 'L', expiry: '2026-02-01', preparedBy: 'p', checkedBy: 'c' } }, 'syringe.expiry'],
    ['an overfill beyond the capacity', { instilledMl: '41', syringe: { drug: 'morphine' as const, concentration: { value: '10', unit: 'mg/mL' as const }, volumeMl: '50', lot: 'L', expiry: '2027-01-01', preparedBy: 'p', checkedBy: 'c' } }, 'instilledMl'],
  ])('refuses %s and leaves the pump untouched', async (_name, over, field) => {
    const before = link.pump.status();
    expect(await performRefill(programmingDeps(), request(over))).toMatchObject({ ok: false, error: { field } });
    expect(link.pump.status().lastTransactionId).toBe(before.lastTransactionId);
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
    expect(db.prepare(`SELECT count(*) FROM programming_sessions WHERE outcome = 'confirmed'`).pluck().get()).toBe(result.programming + result.refills);
    // Every session went through the wand protocol and kept its frames.
    expect(db.prepare('SELECT count(DISTINCT session_id) FROM session_frames').pluck().get()).toBe(result.programming + result.refills);
  });

  it('refuses a database that has accounts of its own', async () => {
    await createFirstAdmin(deps(), { username: 'site.admin', displayName: 'Site admin', password: 'site admin password' });
    await expect(runDemo({ db, audit }, { sessions: 2 })).rejects.toThrow(/accounts of its own/);
  });
});
