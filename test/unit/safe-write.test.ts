import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import type { PumpSettings } from '../../core/pump';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { Database, openDatabase, type Db } from '../../db/connection';
import { bytesToUuid } from '../../drivers/protocol/convert';
import { decodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage } from '../../drivers/protocol/messages';
import { trainingLink } from '../../drivers/simulator/training';
import type { SignedInUser } from '../../services/auth/accounts';
import { deliverBolus } from '../../services/bolus';
import { resolveUnconfirmed, settleOpenSessions } from '../../services/open-sessions';
import { programPump } from '../../services/programming';
import type { ProgrammingDeps } from '../../services/programming-request';
import { manualClock, tempDir } from './helpers';

// The program write and the clinician bolus go through one write path (services/safe-write.ts).
// Each rule below is exercised through both, over the real wand driver and protocol bytes (the
// simulated wand behind an in-memory USB device) and a SQLite file on disk.

const doctor: SignedInUser = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' };
const second: SignedInUser = { id: 3, username: 'dr.chen', displayName: 'Dr Chen', role: 'physician' };
const lower: PumpSettings = {
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'continuous',
  rate: { value: '0.27', unit: 'mL/day' },
};
/** The requests that can change the pump. */
const WRITES = new Set(['BEGIN_TX', 'STAGE_PROGRAM', 'COMMIT', 'START_BOLUS']);

interface Seen {
  type: string;
  /** The session and audit state another connection to the file saw as the request reached the wand. */
  onDisk?: { session: string | undefined; intent: string | undefined };
}

let dir: string;
let cleanup: () => void;
let db: Db;
let deps: ProgrammingDeps;
let training: ReturnType<typeof trainingLink>;
let seen: Seen[];
/** Run as a request that can change the pump reaches the wand, before the wand handles it. */
let onWrite: ((type: string) => void) | undefined;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  const path = join(dir, 'safe-write.sqlite');
  db = openDatabase(path);
  const clock = manualClock();
  training = trainingLink({ clock: clock.now });
  seen = [];
  onWrite = undefined;
  // Every request the wand receives, and for a write what was already committed to the file by then.
  const handle = training.wand.handle.bind(training.wand);
  training.wand.handle = (bytes: Uint8Array) => {
    const frame = decodeFrame(bytes);
    const decoded = frame.ok ? decodeMessage(frame.frame.type, frame.frame.payload) : undefined;
    const message = decoded?.ok === true ? decoded.message : undefined;
    const entry: Seen = { type: message?.type ?? 'undecoded' };
    if (message !== undefined && 'txId' in message && WRITES.has(message.type)) {
      const reader = new Database(path, { readonly: true });
      try {
        const tx = bytesToUuid(message.txId);
        const row = reader
          .prepare<[string], { outcome: string; seq: number }>(
            `SELECT outcome, intent_audit_seq AS seq FROM programming_sessions WHERE json_extract(intent_json, '$.transactionId') = ?`,
          )
          .get(tx);
        const intent = row
          ? reader.prepare<[number], { outcome: string }>('SELECT outcome FROM audit_log WHERE seq = ?').get(row.seq)
          : undefined;
        entry.onDisk = { session: row?.outcome, intent: intent?.outcome };
      } finally {
        reader.close();
      }
    }
    seen.push(entry);
    if (entry.onDisk !== undefined) onWrite?.(entry.type);
    return handle(bytes);
  };
  deps = {
    db,
    audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))),
    link: training.link,
    library: defaultLibrary,
    now: clock.now,
  };
});
afterEach(async () => {
  await training.link.close?.();
  db.close();
  cleanup();
});

const program = () => programPump(deps, { actor: doctor, witness: second, settings: lower });
const bolus = () =>
  deliverBolus(deps, { actor: doctor, witness: second, bolus: { kind: 'single', dose: '0.3', durationMinutes: 10 } });
/** The same write without a second clinician: a bolus always needs one, this program change is told it does. */
const unwitnessed = (first: string) =>
  first === 'START_BOLUS'
    ? deliverBolus(deps, { actor: doctor, bolus: { kind: 'single', dose: '0.3', durationMinutes: 10 } })
    : programPump(deps, { actor: doctor, settings: lower, requireWitness: true });
const writesSeen = () => seen.filter((s) => WRITES.has(s.type));
const channels = [
  { name: 'program', write: program, sends: ['BEGIN_TX', 'STAGE_PROGRAM', 'COMMIT'], breakOn: 'COMMIT' },
  { name: 'clinician bolus', write: bolus, sends: ['START_BOLUS'], breakOn: 'START_BOLUS' },
] as const;

describe.each(channels)('the $name goes through the one write path', ({ write, sends, breakOn }) => {
  it('commits its intent and session to the file before any request that can change the pump reaches the wand', async () => {
    const r = await write();
    expect(r).toMatchObject({ ok: true, value: { outcome: 'confirmed', mismatches: [] } });
    const writes = writesSeen();
    expect(writes.map((s) => s.type)).toEqual(sends);
    for (const w of writes) expect(w.onDisk).toEqual({ session: 'pending', intent: 'pending' });
    // Read back after the write: the last request the wand saw is a status read.
    expect(seen.at(-1)?.type).toBe('READ_STATUS');
  });

  it('owns its session while it writes: the pump read meanwhile (still the old program) does not settle it', async () => {
    const settledMeanwhile: unknown[] = [];
    onWrite = (type) => {
      if (type === breakOn)
        settledMeanwhile.push(
          ...settleOpenSessions(deps, training.pump.status(), { username: 'nurse.wang', role: 'nurse' }),
        );
    };
    expect(await write()).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    expect(settledMeanwhile).toEqual([]);
    expect(db.prepare(`SELECT outcome FROM audit_log ORDER BY seq`).pluck().all()).toEqual(['pending', 'confirmed']);
  });

  it('sends nothing when its intent cannot be recorded', async () => {
    db.exec(
      `CREATE TRIGGER full_disk BEFORE INSERT ON programming_sessions BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`,
    );
    expect(await write()).toMatchObject({ ok: false, error: { code: 'STORAGE_FAILED' } });
    expect(writesSeen()).toEqual([]);
    expect(db.prepare(`SELECT count(*) FROM audit_log WHERE outcome = 'pending'`).pluck().get()).toBe(0);
  });

  it('is refused without a second clinician, the refusal recorded, nothing sent', async () => {
    expect(await unwitnessed(sends[0])).toMatchObject({ ok: false, error: { code: 'WITNESS_REQUIRED' } });
    expect(writesSeen()).toEqual([]);
    expect(db.prepare(`SELECT outcome FROM audit_log ORDER BY seq`).pluck().all()).toEqual(['rejected']);
  });

  it('answers its refusal even when the refusal cannot be recorded (nothing was sent)', async () => {
    db.exec(
      `CREATE TRIGGER full_disk BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`,
    );
    expect(await unwitnessed(sends[0])).toMatchObject({ ok: false, error: { code: 'WITNESS_REQUIRED' } });
    expect(writesSeen()).toEqual([]);
  });

  it('left UNCONFIRMED (the wand pulled out as the pump acts), blocks the next program AND the next bolus until the pump is read', async () => {
    training.device.armOnMessage(breakOn, { kind: 'unplug-after-request' });
    const first = await write();
    expect(first).toMatchObject({ ok: true, value: { outcome: 'unconfirmed' } });
    training.device.replug();
    const before = writesSeen().length;
    for (const next of [program, bolus]) {
      expect(await next()).toMatchObject({ ok: false, error: { code: 'PROGRAMMING_BLOCKED' } });
    }
    expect(writesSeen().length).toBe(before); // nothing more was sent while the session was open
    expect(await resolveUnconfirmed(deps, doctor)).toMatchObject({ ok: true, value: [{ outcome: 'confirmed' }] });
    // Read again, the pump is unblocked.
    const after = await programPump(deps, {
      actor: doctor,
      settings: { ...lower, rate: { value: '0.24', unit: 'mL/day' } },
    });
    expect(after).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
  });
});
