import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import type { PumpSettings } from '../../core/pump';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { openDatabase, type Db } from '../../db/connection';
import { decodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage } from '../../drivers/protocol/messages';
import { trainingLink } from '../../drivers/simulator/training';
import type { SignedInUser } from '../../services/auth/accounts';
import { programPump } from '../../services/programming';
import type { ProgrammingDeps } from '../../services/programming-request';
import { manualClock, tempDir } from './helpers';

// What the pump-write tests share: a SQLite file on disk, the real wand driver and protocol bytes
// (the simulated wand behind an in-memory USB device) on a clock the test moves, and every request
// the wand received.

export const doctor: SignedInUser = { id: 2, username: 'dr.li', displayName: 'Dr Li', role: 'physician' };
export const second: SignedInUser = { id: 3, username: 'dr.chen', displayName: 'Dr Chen', role: 'physician' };
export const flex: PumpSettings = {
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'flex',
  rate: { value: '0.3', unit: 'mL/day' },
  steps: [
    { start: '00:00', rate: { value: '0.2', unit: 'mL/day' } },
    { start: '12:00', rate: { value: '0.4', unit: 'mL/day' } },
  ],
};
export const lower: PumpSettings = {
  ...flex,
  mode: 'continuous',
  rate: { value: '0.27', unit: 'mL/day' },
  steps: undefined,
};

/** A fresh database, wand and pump for each test of the file that calls it. */
export function pumpWriteFixture() {
  const t = {
    dir: '',
    path: '',
    db: undefined as unknown as Db,
    deps: undefined as unknown as ProgrammingDeps,
    training: undefined as unknown as ReturnType<typeof trainingLink>,
    clock: undefined as unknown as ReturnType<typeof manualClock>,
    /** The type of every request the wand received, in order. */
    requests: [] as string[],
    cleanup: () => undefined as void,
    count: (type: string) => t.requests.filter((r) => r === type).length,
    sessions: () => t.db.prepare('SELECT outcome FROM programming_sessions ORDER BY id').pluck().all(),
    /** The pump's clock ten minutes slow: a flex program sets it first (its own exchange with the wand). */
    slowClock: () => t.training.pump.setClock(new Date(t.clock.now().getTime() - 600_000), 0),
    /** A program write left UNCONFIRMED: the wand pulled out as the pump commits it. */
    async unconfirmedWrite(): Promise<void> {
      t.training.device.armOnMessage('COMMIT', { kind: 'unplug-after-request' });
      expect(await programPump(t.deps, { actor: doctor, witness: second, settings: lower })).toMatchObject({
        ok: true,
        value: { outcome: 'unconfirmed' },
      });
      t.training.device.replug();
    },
  };
  beforeEach(() => {
    ({ dir: t.dir, cleanup: t.cleanup } = tempDir());
    t.path = join(t.dir, 'races.sqlite');
    t.db = openDatabase(t.path);
    t.clock = manualClock();
    t.training = trainingLink({ clock: t.clock.now });
    t.requests = [];
    const handle = t.training.wand.handle.bind(t.training.wand);
    t.training.wand.handle = (bytes: Uint8Array) => {
      const frame = decodeFrame(bytes);
      const decoded = frame.ok ? decodeMessage(frame.frame.type, frame.frame.payload) : undefined;
      t.requests.push(decoded?.ok === true ? decoded.message.type : 'undecoded');
      return handle(bytes);
    };
    t.deps = {
      db: t.db,
      audit: new AuditLog(t.db, new FileKeyStore(join(t.dir, 'keys'))),
      link: t.training.link,
      library: defaultLibrary,
      now: t.clock.now,
    };
  });
  afterEach(async () => {
    await t.training.link.close();
    t.db.close();
    t.cleanup();
  });
  return t;
}
