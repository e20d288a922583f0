import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { prescriptionsOf } from '../../db/queries/clinical';
import { defaultLibrary } from '../../core/library/defaults';
import type { Drug } from '../../core/pump';
import type { ConcentrationQ, DailyDoseQ } from '../../core/units';
import type { SignedInUser } from '../../services/auth/accounts';
import { createPatient, registerPump } from '../../services/records';
import { cancelPrescription, createPrescription } from '../../services/orders';
import { type RefillRequest } from '../../services/refill-request';
import { interrogate } from '../../services/interrogation';
import { SimulatorLink } from '../support/simulator-link';
import { manualClock, tempDir } from './helpers';

// What the records tests share (services/records.ts, services/refill.ts, services/demo.ts): a SQLite
// file and audit trail per test, the staff, and the refill visit's patient, pump and order.

export const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
export const nurse: SignedInUser = { id: 3, username: 'nurse.wang', displayName: 'Wang', role: 'nurse' };
export const nurse2: SignedInUser = { id: 4, username: 'nurse.zhou', displayName: 'Zhou', role: 'nurse' };
export const admin: SignedInUser = { id: 1, username: 'pharm.zhao', displayName: 'Zhao', role: 'admin' };
export const doctor: SignedInUser = { id: 5, username: 'dr.li', displayName: 'Li', role: 'physician' };

/** A fresh database file, its audit key and trail for each test of the file that calls it. */
export function recordsFixture() {
  const f = {
    db: undefined as unknown as Db,
    audit: undefined as unknown as AuditLog,
    keys: undefined as unknown as FileKeyStore,
    deps: () => ({ db: f.db, audit: f.audit, now: clock.now }),
  };
  let cleanup: () => void = () => undefined;
  beforeEach(() => {
    const made = tempDir();
    cleanup = made.cleanup;
    f.db = openDatabase(join(made.dir, 'r.sqlite'));
    f.keys = new FileKeyStore(join(made.dir, 'keys'));
    f.audit = new AuditLog(f.db, f.keys);
  });
  afterEach(() => {
    f.db.close();
    cleanup();
  });
  return f;
}

export type Component = { drug: Drug; concentration: ConcentrationQ; dailyDose: DailyDoseQ };
export const morphine10: Component = {
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  dailyDose: { value: '3', unit: 'mg/day' },
};

/**
 * The refill visit's start, before each test: the simulated pump read once, patient MRN-9 with it
 * registered, and an open morphine order for it.
 */
export function refillVisit(f: ReturnType<typeof recordsFixture>) {
  const { deps } = f;
  const v = {
    link: undefined as unknown as SimulatorLink,
    pumpId: 0,
    patientId: 0,
    orderId: 0,
    order: (component: Component = morphine10): number => {
      // One open order per pump: the one before is withdrawn first, as the physician would.
      for (const o of prescriptionsOf(f.db, v.patientId))
        if (o.status === 'open') cancelPrescription(deps(), doctor, o.id, 'replaced by a new order');
      const id = createPrescription(deps(), doctor, {
        patientId: v.patientId,
        pumpId: v.pumpId,
        components: [component],
        mode: 'continuous',
        fillVolumeMl: '38',
      });
      if (!id.ok) throw new Error(id.error.message);
      return id.value;
    },
    request: (over: Partial<RefillRequest> = {}): RefillRequest => ({
      nurse,
      prescriptionId: v.orderId,
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
    }),
    programmingDeps: () => ({ ...deps(), link: v.link, library: defaultLibrary }),
  };
  beforeEach(async () => {
    v.link = new SimulatorLink({ clock: clock.now });
    // The pump is read first: an order is checked against the therapy it runs.
    const read = await interrogate({ ...deps(), link: v.link, actor: 'nurse.wang' });
    if (!read.ok) throw new Error(read.error.message);
    const patient = createPatient(deps(), nurse, { identifier: 'MRN-9', name: 'B', indication: 'cancer' });
    if (!patient.ok) throw new Error(patient.error.message);
    v.patientId = patient.value;
    const pump = registerPump(deps(), nurse, {
      patientId: patient.value,
      modelId: 'sim-40',
      serial: v.link.pump.serial,
      implantDate: '2025-10-01',
      catheterModelId: 'sim-cath',
      catheterLengthCm: '50',
    });
    if (!pump.ok) throw new Error(pump.error.message);
    v.pumpId = pump.value;
    v.orderId = v.order();
  });
  return v;
}
