import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { FileKeyStore } from '../../db/audit/keys';
import type { TrainingPumpState } from '../../drivers/simulator/presets';
import { openRuntime, type Runtime } from '../../services/runtime';
import { manualClock, tempDir } from './helpers';

/**
 * A whole runtime per test, as a host opens it: a SQLite file in a fresh folder, the audit key
 * beside it, the simulated pump on a clock the test moves. `call` answers the API result,
 * `value` its value (throwing on an error, with its code).
 */
export function runtimeFixture() {
  const fixture = {
    runtime: undefined as unknown as Runtime,
    clock: manualClock(),
    keys: undefined as unknown as FileKeyStore,
    call: (channel: string, input: unknown = {}) => fixture.runtime.dispatch(channel, input),
    async value<T = unknown>(channel: string, input: unknown = {}): Promise<T> {
      const r = await fixture.call(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    },
    /** Starts this test over with the training pump in another state (a preset or a trainer's file). */
    async withPump(pumpState: TrainingPumpState): Promise<void> {
      await fixture.runtime.close();
      await open(pumpState);
    },
  };
  let cleanup: () => void = () => undefined;
  const open = async (pumpState?: TrainingPumpState) => {
    cleanup();
    const made = tempDir();
    cleanup = made.cleanup;
    fixture.clock = manualClock();
    fixture.keys = new FileKeyStore(join(made.dir, 'keys'));
    fixture.runtime = await openRuntime({
      host: 'web',
      databasePath: join(made.dir, 'db.sqlite'),
      simulator: true,
      now: fixture.clock.now,
      simulatorOptions: { clock: fixture.clock.now, pumpState },
      keys: fixture.keys,
    });
  };
  beforeEach(async () => {
    await open();
  });
  afterEach(async () => {
    await fixture.runtime.close();
    cleanup();
    cleanup = () => undefined;
  });
  return fixture;
}
