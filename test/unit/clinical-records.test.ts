import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { libraryHash } from '../../core/library/hash';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations/index';
import { FrameLog } from '../../drivers/frame-log';
import { decodeFrame } from '../../drivers/protocol/frame';
import { trainingLink } from '../../drivers/simulator/training';
import type { SignedInUser } from '../../services/auth/accounts';
import { createPrescription } from '../../services/orders';
import { recordScreeningTrial } from '../../services/screening';
import { activeLibrary, confirmLibrary, saveLibrary } from '../../services/library';
import { programPump } from '../../services/programming';
import { createPatient } from '../../services/records';
import { manualClock, tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let db: Db;
let audit: AuditLog;
const clock = manualClock(new Date('2026-03-01T09:00:00Z'));
const doctor: SignedInUser = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' };
const nurse: SignedInUser = { id: 3, username: 'nurse.wang', displayName: 'Wang', role: 'nurse' };
const admin: SignedInUser = { id: 1, username: 'pharm.zhao', displayName: 'Zhao', role: 'admin' };
const pharmacist2: SignedInUser = { id: 4, username: 'pharm.sun', displayName: 'Sun', role: 'admin' };

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = openDatabase(join(dir, 'c.sqlite'));
  audit = new AuditLog(db, new FileKeyStore(join(dir, 'keys')));
});
afterEach(() => {
  db.close();
  cleanup();
});
const deps = () => ({ db, audit, now: clock.now });
const patient = () => {
  const r = createPatient(deps(), nurse, {
    identifier: 'MRN-5',
    name: 'C',
    indication: 'non-cancer',
    indicationKind: 'spasticity',
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('migration 0002-records', () => {
  it('adds STRICT record tables with their indexes and checks, on top of 0001', () => {
    const plain = new Database(join(dir, 'm2.sqlite'));
    migrate(plain, migrations.slice(0, 2));
    expect(plain.pragma('user_version', { simple: true })).toBe(2);
    const tables = plain
      .prepare(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND strict = 1`)
      .pluck()
      .all();
    for (const t of [
      'users',
      'site_settings',
      'patients',
      'pain_assessments',
      'screening_trials',
      'screening_doses',
      'implanted_pumps',
      'prescriptions',
      'refills',
      'programming_sessions',
      'session_frames',
      'drug_libraries',
    ])
      expect(tables).toContain(t);
    const indexes = plain.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).pluck().all();
    for (const i of [
      'patients_name',
      'pain_assessments_patient',
      'refills_pump',
      'programming_sessions_pump',
      'implanted_pumps_patient',
    ])
      expect(indexes).toContain(i);
    plain.exec(`INSERT INTO patients (identifier, name, created_at) VALUES ('X', 'x', '2026-01-01')`);
    expect(() =>
      plain.exec(
        `INSERT INTO pain_assessments (patient_id, assessed_at, vas, recorded_by) VALUES (1, '2026-01-01', 11, 'x')`,
      ),
    ).toThrow(/CHECK/);
    expect(() =>
      plain.exec(
        `INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ('a', 'a', 'surgeon', 'h', 'now')`,
      ),
    ).toThrow(/CHECK/);
    plain.close();
  });
});

describe('screening trials and prescriptions', () => {
  it('records a screening trial with its test doses and decision, physician only', () => {
    const trial = {
      patientId: patient(),
      trialDate: '2026-02-20',
      doses: [
        {
          givenAt: '2026-02-20T09:00:00Z',
          drug: 'baclofen',
          dose: { value: '50', unit: 'mcg' },
          vasBefore: 8,
          vasAfter: 3,
          response: 'tone reduced for 6 h',
        },
      ],
      sideEffects: 'none',
      decision: 'implant',
    };
    expect(recordScreeningTrial(deps(), nurse, trial)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(recordScreeningTrial(deps(), doctor, trial)).toMatchObject({ ok: true });
    expect(
      recordScreeningTrial(deps(), doctor, { ...trial, doses: [{ ...trial.doses[0], vasAfter: 12 }] }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(db.prepare('SELECT vas_before, vas_after FROM screening_doses').get()).toEqual({
      vas_before: 8,
      vas_after: 3,
    });
  });

  it('records a prescription for the refill visit', () => {
    const order = {
      patientId: patient(),
      anyPump: true,
      components: [
        {
          drug: 'baclofen',
          concentration: { value: '500', unit: 'mcg/mL' },
          dailyDose: { value: '400', unit: 'mcg/day' },
        },
      ],
      mode: 'continuous',
      fillVolumeMl: '20',
    };
    expect(createPrescription(deps(), nurse, order)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(createPrescription(deps(), doctor, order)).toMatchObject({ ok: true });
    expect(db.prepare(`SELECT action FROM audit_log WHERE action = 'prescription.create'`).pluck().all()).toHaveLength(
      1,
    );
  });
});

describe('drug library versions', () => {
  it('are saved by an administrator as numbered versions, unconfirmed until a pharmacist confirms', () => {
    expect(activeLibrary(deps())).toBe(defaultLibrary);
    const edited = { ...defaultLibrary, name: 'Site library' };
    expect(saveLibrary(deps(), doctor, edited)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const saved = saveLibrary(deps(), admin, edited);
    expect(saved).toMatchObject({ ok: true, value: { version: 2 } });
    expect(activeLibrary(deps())).toMatchObject({ name: 'Site library', version: 2, confirmedBy: null });
    // Four eyes: whoever saved a version does not confirm it.
    expect(confirmLibrary(deps(), admin, 2)).toMatchObject({ ok: false, error: { code: 'SECOND_PERSON_REQUIRED' } });
    expect(confirmLibrary(deps(), doctor, 2)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(confirmLibrary(deps(), pharmacist2, 2)).toEqual({ ok: true, value: null });
    const active = activeLibrary(deps());
    expect(active.confirmedBy).toBe('pharm.sun');
    // Confirming does not change the content hash the audit records name.
    expect(saved.ok && libraryHash(active)).toBe(saved.ok ? saved.value.hash : '');
    expect(confirmLibrary(deps(), pharmacist2, 2)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(saveLibrary(deps(), admin, { ...edited, entries: [] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});

describe('programming session frames', () => {
  it('keeps the raw frames exchanged with the wand, with the session', async () => {
    const frames = new FrameLog(clock.now);
    const { link } = trainingLink({ clock: clock.now, onFrame: frames.record });
    const r = await programPump(
      { db, audit, link, library: defaultLibrary, now: clock.now, frames },
      {
        actor: doctor,
        settings: {
          drug: 'morphine',
          concentration: { value: '10', unit: 'mg/mL' },
          mode: 'continuous',
          rate: { value: '0.27', unit: 'mL/day' },
        },
      },
    );
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    const stored = db.prepare('SELECT direction, bytes FROM session_frames ORDER BY id').all() as Array<{
      direction: string;
      bytes: Buffer;
    }>;
    // HELLO, FIND_PUMP, OPEN_SESSION, READ_STATUS, BEGIN_TX, STAGE_PROGRAM, COMMIT, READ_STATUS: each out and in.
    expect(stored).toHaveLength(16);
    const types = stored
      .filter((f) => f.direction === 'out')
      .map((f) => {
        const d = decodeFrame(new Uint8Array(f.bytes));
        return d.ok ? d.frame.type : -1;
      });
    expect(types).toEqual([0x01, 0x02, 0x03, 0x10, 0x20, 0x21, 0x22, 0x10]);
  });
});
