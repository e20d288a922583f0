import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../db/audit/keys';
import { REPLUG_AFTER_MS } from '../../drivers/simulator/training';
import { openRuntime, type Runtime } from '../../services/runtime';
import { manualClock, tempDir } from './helpers';
import { auditRows, clinic, witness, type Outcome, type Preview } from './clinician-bolus-support';

describe('the wand unplugged while the bolus is sent', () => {
  let opened: { runtime: Runtime; cleanup: () => void } | undefined;
  afterEach(async () => {
    await opened?.runtime.close();
    opened?.cleanup();
    opened = undefined;
  });

  it('records the outcome UNCONFIRMED, blocks programming, and settles it when the pump is read again', async () => {
    const made = tempDir();
    const clock = manualClock();
    const runtime = await openRuntime({
      host: 'web',
      databasePath: join(made.dir, 'db.sqlite'),
      simulator: true,
      now: clock.now,
      simulatorOptions: { clock: clock.now, scenario: 'unplug-during-bolus' },
      keys: new FileKeyStore(join(made.dir, 'keys')),
    });
    opened = { runtime, cleanup: made.cleanup };
    const value = async <T>(channel: string, input: unknown = {}): Promise<T> => {
      const r = await runtime.dispatch(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };
    await clinic({ runtime, value });
    const request = { kind: 'single', dose: '0.3', durationMinutes: 10 };
    const preview = await value<Preview>('bolus:preview', request);
    const r = await runtime.dispatch('bolus:deliver', { request, reviewed: preview.reviewed, witness });
    expect(r).toMatchObject({
      ok: true,
      value: {
        outcome: 'unconfirmed',
        pumpDid: 'unknown',
        mismatches: [
          // The wand's cause travels as its own named message, for the screen to say in the user's language.
          expect.objectContaining({
            key: 'readBackFailed',
            params: expect.objectContaining({ causeKey: expect.any(String) as unknown }) as unknown,
          }) as unknown,
        ],
      },
    });
    const sessionId = r.ok ? (r.value as Outcome).sessionId : '';
    expect(await value('sessions:unconfirmed')).toEqual([
      expect.objectContaining({ sessionId, pumpSerial: 'SIM000123', outcome: 'unconfirmed' }),
    ]);
    expect(auditRows(runtime, 'pump.bolus').map((x) => `${x.action}:${x.outcome}`)).toEqual([
      'pump.bolus:pending',
      'pump.bolus.outcome:unconfirmed',
    ]);
    // The wand is back after two seconds; until the pump is read, nothing more is sent to it.
    await new Promise((done) => setTimeout(done, REPLUG_AFTER_MS + 200));
    expect(await runtime.dispatch('program:preview', { mode: 'continuous', dailyDose: '3.3' })).toMatchObject({
      ok: false,
      error: { code: 'PROGRAMMING_BLOCKED' },
    });
    expect(await runtime.dispatch('bolus:preview', request)).toMatchObject({
      ok: false,
      error: { code: 'PROGRAMMING_BLOCKED' },
    });
    expect(await runtime.dispatch('bolus:deliver', { request, reviewed: preview.reviewed, witness })).toMatchObject({
      ok: false,
      error: { code: 'PROGRAMMING_BLOCKED' },
    });
    // Reading the pump settles it: the pump had started the bolus.
    await value('pump:interrogate');
    expect(await value('sessions:unconfirmed')).toEqual([]);
    expect(auditRows(runtime, 'pump.bolus').map((x) => `${x.action}:${x.outcome}`)).toEqual([
      'pump.bolus:pending',
      'pump.bolus.outcome:unconfirmed',
      'pump.bolus.resolve.outcome:confirmed',
    ]);
    expect((await value<Preview>('bolus:preview', request)).doses[0]).toMatchObject({
      total24hBefore: { value: '3.3' },
    });
  });
});
