import { randomBytes } from 'node:crypto';
import { dec, str, toStep } from '../core/decimal';
import { defaultLibrary } from '../core/library/defaults';
import { defaultPumpModel } from '../core/models';
import type { Drug, PumpSettings } from '../core/pump';
import type { ConcentrationQ } from '../core/units';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import { SimulatedPump, defaultSimulatedPump } from '../drivers/simulator/pump';
import { trainingLink } from '../drivers/simulator/training';
import { FrameLog } from '../drivers/frame-log';
import { createFirstAdmin, createUser, needsSetup, signIn, type SignedInUser } from './auth/accounts';
import { interrogate } from './interrogation';
import { programPump } from './programming';
import { createPatient, recordPain, registerPump } from './records';
import { createPrescription } from './orders';
import { performRefill } from './refill';

export interface DemoResult {
  sessions: number;
  programming: number;
  refills: number;
  patients: number;
  /** Generated passwords of the demo accounts (training databases only). */
  accounts: Array<{ username: string; role: string; password: string }>;
}

/** A small deterministic generator, so a demo database can be rebuilt identically from a seed. */
const mulberry32 = (seed: number) => () => {
  let t = (seed += 0x6d2b79f5);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const PATIENTS: Array<{
  identifier: string;
  name: string;
  indication: 'cancer' | 'non-cancer';
  kind: string;
  drug: Drug;
  concentration: ConcentrationQ;
  rate: string;
}> = [
  {
    identifier: 'DEMO-001',
    name: '王 建国',
    indication: 'cancer',
    kind: 'spinal metastasis',
    drug: 'morphine',
    concentration: { value: '10', unit: 'mg/mL' },
    rate: '0.3',
  },
  {
    identifier: 'DEMO-002',
    name: 'Li Mei',
    indication: 'non-cancer',
    kind: 'spasticity',
    drug: 'baclofen',
    concentration: { value: '500', unit: 'mcg/mL' },
    rate: '0.8',
  },
  {
    identifier: 'DEMO-003',
    name: 'Zhang Wei',
    indication: 'non-cancer',
    kind: 'failed back surgery syndrome',
    drug: 'hydromorphone',
    concentration: { value: '2', unit: 'mg/mL' },
    rate: '0.5',
  },
];

/**
 * Fills a database with realistic visits made through the real services against simulated pumps
 * on a simulated clock: dose changes with witness sign-off, refills with their discrepancies,
 * pain scores and interrogations. For training rooms, benchmarks and tests.
 */
export async function runDemo(
  deps: { db: Db; audit: AuditLog },
  options: { sessions: number; seed?: number },
): Promise<DemoResult> {
  const random = mulberry32(options.seed ?? 1);
  let time = Date.UTC(2026, 0, 5, 9, 0, 0);
  const now = () => new Date(time);
  const base = { db: deps.db, audit: deps.audit, now };
  const accounts: DemoResult['accounts'] = [];
  const password = () => randomBytes(9).toString('base64url');

  const users = await ensureUsers(base, accounts, password);
  const model = defaultPumpModel();
  const pumps = PATIENTS.map((p, i) => {
    const state = defaultSimulatedPump(now(), model);
    const serial = `SIM${String(100 + i).padStart(6, '0')}`;
    const settings: PumpSettings = {
      drug: p.drug,
      concentration: p.concentration,
      mode: 'continuous',
      rate: { value: p.rate, unit: 'mL/day' },
    };
    const frames = new FrameLog(now);
    const { link, pump } = trainingLink({
      pump: new SimulatedPump({ ...state, serial, settings, volumeMl: '36', volumeAt: now() }, now),
      clock: now,
      onFrame: frames.record,
    });
    let patientId = deps.db
      .prepare<[string], number>('SELECT id FROM patients WHERE identifier = ?')
      .pluck()
      .get(p.identifier);
    if (patientId === undefined) {
      const created = createPatient(base, users.nurse, {
        identifier: p.identifier,
        name: p.name,
        indication: p.indication,
        indicationKind: p.kind,
      });
      if (!created.ok) throw new Error(created.error.message);
      patientId = created.value;
      const registered = registerPump(base, users.nurse, {
        patientId,
        modelId: model.id,
        serial,
        implantDate: '2025-11-20',
        catheterModelId: 'sim-cath',
        catheterLengthCm: '55',
        replaceByDate: '2031-05-01',
      });
      if (!registered.ok) throw new Error(registered.error.message);
    }
    return { patient: p, patientId, link, pump, frames };
  });

  const result: DemoResult = { sessions: 0, programming: 0, refills: 0, patients: pumps.length, accounts };
  for (let i = 0; i < options.sessions; i++) {
    const { patientId, link, pump, frames } = pumps[i % pumps.length] ?? fail();
    time += Math.round((2 + random() * 12) * 86_400_000);
    const sessionDeps = { ...base, link, library: defaultLibrary, model, frames };
    await interrogate({ db: deps.db, audit: deps.audit, link, actor: users.nurse.username, now });
    recordPain(base, users.nurse, { patientId, vas: Math.min(10, Math.floor(2 + random() * 6)) });
    const status = pump.status();
    if (dec(status.reservoirVolume.value).lt(12)) {
      const residual = dec(status.reservoirVolume.value);
      // Most withdrawals match the pump's count; now and then one does not (a pocket fill to catch).
      const offset =
        random() < 0.15 ? dec(random() * 3).toDecimalPlaces(1) : dec(random() * 0.6 - 0.3).toDecimalPlaces(1);
      const withdrawn = str(residual.minus(offset).isNegative() ? dec(0) : residual.minus(offset));
      // The physician's order for the refill: the same drug, concentration and dose.
      const order = createPrescription(base, users.doctor, {
        patientId,
        anyPump: true,
        components: [{ drug: status.drug, concentration: status.concentration, dailyDose: status.dailyDose }],
        mode: 'continuous',
        fillVolumeMl: '36',
      });
      if (!order.ok) throw new Error(order.error.message);
      const r = await performRefill(sessionDeps, {
        nurse: users.nurse,
        prescriptionId: order.value,
        witness: users.nurse2,
        syringe: {
          drug: status.drug,
          concentration: status.concentration,
          volumeMl: '40',
          lot: `L${2600 + i}`,
          expiry: '2027-12-31',
          preparedBy: 'pharmacy',
          checkedBy: users.doctor.username,
        },
        withdrawnMl: withdrawn,
        reservoirEmptied: true,
        instilledMl: '36',
        waste: { volumeMl: withdrawn, witness: users.nurse2.username },
      });
      if (r.ok) result.refills++;
    } else {
      const current = dec(status.rate.value);
      const factor = dec(1).plus(dec(random() * 0.3 - 0.1).toDecimalPlaces(2));
      const stepped = toStep(current.mul(factor), model.rateResolutionMlPerDay);
      const rate = stepped.lt(model.minRateMlPerDay) ? dec(model.minRateMlPerDay) : stepped;
      const r = await programPump(sessionDeps, {
        actor: users.doctor,
        witness: users.nurse,
        settings: {
          drug: status.drug,
          concentration: status.concentration,
          mode: 'continuous',
          rate: { value: str(rate), unit: 'mL/day' },
        },
        acknowledgement: 'titration discussed with the patient',
      });
      if (r.ok) result.programming++;
    }
    result.sessions++;
  }
  deps.audit.checkpoint();
  return result;
}

const fail = (): never => {
  throw new Error('no demo pump');
};

async function ensureUsers(
  deps: { db: Db; audit: AuditLog; now: () => Date },
  accounts: DemoResult['accounts'],
  password: () => string,
) {
  const want: Array<{ username: string; displayName: string; role: 'admin' | 'physician' | 'nurse' }> = [
    { username: 'demo.admin', displayName: 'Demo administrator', role: 'admin' },
    { username: 'demo.doctor', displayName: 'Dr Chen (demo)', role: 'physician' },
    { username: 'demo.nurse', displayName: 'Nurse Liu (demo)', role: 'nurse' },
    { username: 'demo.nurse2', displayName: 'Nurse Zhou (demo)', role: 'nurse' },
  ];
  const found = (username: string): SignedInUser | undefined => {
    const row = deps.db
      .prepare<[string], { id: number; username: string; displayName: string; role: 'admin' | 'physician' | 'nurse' }>(
        'SELECT id, username, display_name AS displayName, role FROM users WHERE username = ?',
      )
      .get(username);
    return row;
  };
  let admin = found('demo.admin');
  if (admin === undefined) {
    if (!needsSetup(deps.db))
      throw new Error('this database already has accounts of its own: run the demo on a new or demo database');
    const pw = password();
    const r = await createFirstAdmin(deps, {
      username: 'demo.admin',
      displayName: 'Demo administrator',
      password: `demo-${pw}`,
    });
    if (!r.ok) throw new Error(r.error.message);
    accounts.push({ username: 'demo.admin', role: 'admin', password: `demo-${pw}` });
    admin = r.value;
    const signed = await signIn(deps, { username: 'demo.admin', password: `demo-${pw}` });
    if (!signed.ok) throw new Error(signed.error.message);
  }
  const out: Record<string, SignedInUser> = {};
  for (const w of want.slice(1)) {
    let user = found(w.username);
    if (user === undefined) {
      const pw = `demo-${password()}`;
      const r = await createUser(deps, admin, { ...w, password: pw });
      if (!r.ok) throw new Error(r.error.message);
      accounts.push({ username: w.username, role: w.role, password: pw });
      user = r.value;
    }
    out[w.username] = user;
  }
  return {
    doctor: out['demo.doctor'] ?? fail(),
    nurse: out['demo.nurse'] ?? fail(),
    nurse2: out['demo.nurse2'] ?? fail(),
  };
}
