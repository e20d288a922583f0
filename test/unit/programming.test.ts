import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { englishText } from '../../core/messages';
import type { PumpSettings } from '../../core/pump';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { SimulatorLink } from '../support/simulator-link';
import type { SignedInUser } from '../../services/auth/accounts';
import { compareReadBack } from '../../services/read-back';
import { programPump } from '../../services/programming';
import { resolveUnconfirmed } from '../../services/open-sessions';
import { type ProgrammingDeps } from '../../services/programming-request';
import { manualClock, tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let db: Db;
let link: SimulatorLink;
let deps: ProgrammingDeps;
let keys: FileKeyStore;

const doctor: SignedInUser = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' };
const nurse: SignedInUser = { id: 3, username: 'nurse.wang', displayName: 'Wang', role: 'nurse' };
const morphine = (rate: string): PumpSettings => ({
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'continuous',
  rate: { value: rate, unit: 'mL/day' },
});

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = openDatabase(join(dir, 'p.sqlite'));
  const clock = manualClock();
  link = new SimulatorLink({ clock: clock.now });
  keys = new FileKeyStore(join(dir, 'keys'));
  deps = { db, audit: new AuditLog(db, keys), link, library: defaultLibrary, now: clock.now };
});
afterEach(() => {
  db.close();
  cleanup();
});

const outcomes = () => db.prepare('SELECT action, outcome FROM audit_log ORDER BY seq').all();

describe('safe programming', () => {
  it('records the intent first, writes once, reads back and confirms', async () => {
    const r = await programPump(deps, { actor: doctor, witness: nurse, settings: morphine('0.36') });
    expect(r).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed', mismatches: [], status: { dailyDose: { value: '3.6', unit: 'mg/day' } } },
    });
    expect(outcomes()).toEqual([
      { action: 'pump.program', outcome: 'pending' },
      { action: 'pump.program.outcome', outcome: 'confirmed' },
    ]);
    expect(verifyAudit(db, keys).ok).toBe(true);
  });

  it('stops at a hard limit and records the refusal; the pump is unchanged', async () => {
    const r = await programPump(deps, { actor: doctor, witness: nurse, settings: morphine('2.6') }); // 26 mg/day
    expect(r).toMatchObject({ ok: false, error: { code: 'HARD_LIMIT' } });
    expect(link.pump.status().rate.value).toBe('0.3');
    expect(outcomes()).toEqual([{ action: 'pump.program', outcome: 'rejected' }]);
  });

  it('needs a reason to pass a soft limit, and records it with the findings', async () => {
    const settings = morphine('0.42'); // +40 % for non-cancer pain
    expect(await programPump(deps, { actor: doctor, witness: nurse, settings })).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED' },
    });
    const r = await programPump(deps, {
      actor: doctor,
      witness: nurse,
      settings,
      acknowledgement: 'breakthrough pain, agreed with the pain team',
    });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    const intent = db
      .prepare(`SELECT reason, acks_json, library_version FROM audit_log WHERE outcome = 'pending'`)
      .get() as { reason: string; acks_json: string; library_version: string };
    expect(intent.reason).toContain('breakthrough');
    expect(JSON.parse(intent.acks_json)).toMatchObject([{ code: 'INCREASE_PERCENT_ABOVE_MAX', level: 'soft' }]);
    expect(intent.library_version).toMatch(/^1:sha256:/);
  });

  it('needs a witness for a dose increase, and lets no nurse change a program', async () => {
    expect(await programPump(deps, { actor: doctor, settings: morphine('0.33') })).toMatchObject({
      ok: false,
      error: { code: 'WITNESS_REQUIRED' },
    });
    expect(await programPump(deps, { actor: nurse, witness: doctor, settings: morphine('0.27') })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await programPump(deps, { actor: doctor, settings: morphine('0.27') })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
  });

  it('sends nothing when the intent cannot be recorded (disk full, read-only file)', async () => {
    db.exec(
      `CREATE TRIGGER full_disk BEFORE INSERT ON programming_sessions BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`,
    );
    const r = await programPump(deps, { actor: doctor, settings: morphine('0.27') });
    expect(r).toMatchObject({ ok: false, error: { code: 'STORAGE_FAILED' } });
    expect(link.pump.status()).toMatchObject({ rate: { value: '0.3' }, lastTransactionId: null });
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE outcome = 'pending'`).pluck().get()).toBe(0);
  });

  it('checks a flex schedule as the whole day it delivers: a step far too high is stopped, nothing sent', async () => {
    // 5 mL/day from 08:00 is 34 mg/day over the day: beyond the hard maximum, though the first step is not.
    const flex: PumpSettings = {
      ...morphine('0.2'),
      mode: 'flex',
      steps: [
        { start: '00:00', rate: { value: '0.2', unit: 'mL/day' } },
        { start: '08:00', rate: { value: '5', unit: 'mL/day' } },
      ],
    };
    expect(await programPump(deps, { actor: doctor, witness: nurse, settings: flex })).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT' },
    });
    expect(link.pump.lastTransactionId).toBeNull();
  });

  it('programs a flex schedule and reads it back step by step', async () => {
    const steps = [
      { start: '00:00', rate: { value: '0.2', unit: 'mL/day' as const } },
      { start: '08:00', rate: { value: '0.4', unit: 'mL/day' as const } },
    ];
    const flex: PumpSettings = { ...morphine('0.2'), mode: 'flex', steps };
    const r = await programPump(deps, { actor: doctor, witness: nurse, settings: flex });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed', mismatches: [] } });
    expect(link.pump.settings.steps).toEqual(steps);
    const read = await link.interrogate();
    const moved = [steps[0], { start: '09:00', rate: { value: '0.4', unit: 'mL/day' as const } }].filter(
      (x) => x !== undefined,
    );
    const differences = read.ok
      ? compareReadBack(
          { sessionId: 's', transactionId: read.value.lastTransactionId ?? '', settings: { ...flex, steps: moved } },
          read.value,
        )
      : [];
    // A named message the screens say in the user's language; the audit trail keeps its English.
    expect(differences).toEqual([
      {
        key: 'readBackStep',
        params: { step: '2', start: '09:00', rate: '0.4', rateUnit: 'mL/day', readStart: '08:00', readRate: '0.4' },
      },
    ]);
    expect(differences.map(englishText)).toEqual([
      'flex step 2: 08:00 at 0.4 mL/day read back, 09:00 at 0.4 mL/day sent',
    ]);
  });

  it('validates the patient bolus settings it sends', async () => {
    const settings: PumpSettings = {
      ...morphine('0.27'),
      patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 5, maxPerDay: 4 },
    };
    expect(await programPump(deps, { actor: doctor, settings })).toMatchObject({
      ok: false,
      error: { field: 'patientBolus.lockoutMinutes' },
    });
    expect(link.pump.lastTransactionId).toBeNull();
  });

  it('refuses a program below the pump’s minimum rate', async () => {
    expect(await programPump(deps, { actor: doctor, settings: morphine('0.04') })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});

describe('interrupted programming', () => {
  it('wand unplugged before the write: UNCONFIRMED, blocks, resolves as not applied', async () => {
    link.writeFault = 'unplug-before-write';
    const r = await programPump(deps, { actor: doctor, settings: morphine('0.27') });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'unconfirmed' } });
    link.writeFault = 'none';
    link.unplugged = false;
    expect(await programPump(deps, { actor: doctor, settings: morphine('0.24') })).toMatchObject({
      ok: false,
      error: { code: 'PROGRAMMING_BLOCKED' },
    });
    expect(await resolveUnconfirmed(deps, nurse)).toMatchObject({ ok: true, value: [{ outcome: 'rejected' }] });
    expect(link.pump.status().rate.value).toBe('0.3'); // the old program kept running
    expect(await programPump(deps, { actor: doctor, settings: morphine('0.24') })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
  });

  it('acknowledgement lost after the pump applied the write: UNCONFIRMED, resolves as confirmed, never applied twice', async () => {
    link.writeFault = 'ack-lost';
    const r = await programPump(deps, { actor: doctor, settings: morphine('0.27') });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'unconfirmed' } });
    const tx = link.pump.lastTransactionId;
    link.writeFault = 'none';
    link.unplugged = false;
    expect(await resolveUnconfirmed(deps, doctor)).toMatchObject({ ok: true, value: [{ outcome: 'confirmed' }] });
    expect(link.pump.status()).toMatchObject({ rate: { value: '0.27' }, lastTransactionId: tx });
    // A replayed write with the same transaction id changes nothing.
    expect(link.pump.apply(tx ?? '', morphine('5'))).toBe(false);
    expect(link.pump.status().rate.value).toBe('0.27');
    expect(db.prepare(`SELECT outcome FROM programming_sessions`).pluck().all()).toEqual(['confirmed']);
    expect(verifyAudit(db, keys).ok).toBe(true);
  });

  it('keeps an UNCONFIRMED session blocking across a restart of the app', async () => {
    link.writeFault = 'ack-lost';
    await programPump(deps, { actor: doctor, settings: morphine('0.27') });
    db.close();
    db = openDatabase(join(dir, 'p.sqlite'));
    link.writeFault = 'none';
    link.unplugged = false;
    const restarted = { ...deps, db, audit: new AuditLog(db, keys) };
    expect(await programPump(restarted, { actor: doctor, settings: morphine('0.24') })).toMatchObject({
      ok: false,
      error: { code: 'PROGRAMMING_BLOCKED' },
    });
  });
});

describe('resolution by re-interrogation', () => {
  it('settles an UNCONFIRMED session the next time the pump is read, and unblocks it', async () => {
    const { interrogate } = await import('../../services/interrogation');
    link.writeFault = 'ack-lost';
    expect(await programPump(deps, { actor: doctor, settings: morphine('0.27') })).toMatchObject({
      ok: true,
      value: { outcome: 'unconfirmed' },
    });
    link.writeFault = 'none';
    link.unplugged = false;
    const read = await interrogate({ db, audit: deps.audit, link, actor: 'nurse.wang', now: deps.now });
    expect(read.ok).toBe(true);
    expect(db.prepare('SELECT outcome FROM programming_sessions').pluck().all()).toEqual(['confirmed']);
    expect(await programPump(deps, { actor: doctor, settings: morphine('0.24') })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
  });
});
