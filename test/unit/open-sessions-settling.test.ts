import { describe, expect, it } from 'vitest';
import type { PumpSettings } from '../../core/pump';
import { signInThrough } from './helpers';
import { runtimeFixture } from './runtime-fixture';

// The open programming sessions (services/open-sessions.ts) through the runtime's channels: only
// the request writing a session settles it, and a stop is recorded and sent as it is written.

describe('a session is settled only by the request that is writing it', () => {
  const f = runtimeFixture();

  it('an interrogation during the program write does not record a false "rejected"', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const preview = await f.value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '2.7',
    });
    // The write is held until the interrogation has read the pump (still the old program) and settled what it could.
    const link = f.runtime.link;
    const write = link.program.bind(link);
    let writing!: () => void;
    const writeStarted = new Promise<void>((resolve) => (writing = resolve));
    let interrogated!: () => void;
    const interrogationDone = new Promise<void>((resolve) => (interrogated = resolve));
    link.program = async (w) => {
      writing();
      await interrogationDone;
      return write(w);
    };
    const [programmed, read] = await Promise.all([
      f.call('program:apply', { settings: preview.settings, reviewed: preview.reviewed }),
      writeStarted.then(() => f.call('pump:interrogate')).finally(() => interrogated()),
    ]);
    expect(read).toMatchObject({ ok: true, value: { status: { rate: { value: '0.3' } } } });
    expect(programmed).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    const outcomes = f.runtime.db
      .prepare(`SELECT action, outcome FROM audit_log WHERE action LIKE 'pump.program%' ORDER BY seq`)
      .all();
    expect(outcomes).toEqual([
      { action: 'pump.program', outcome: 'pending' },
      { action: 'pump.program.outcome', outcome: 'confirmed' },
    ]);
    expect(f.runtime.db.prepare('SELECT outcome FROM programming_sessions').pluck().all()).toEqual(['confirmed']);
  });

  it('a session left open by a finished request is still settled by the next interrogation', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const preview = await f.value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '2.7',
    });
    const link = f.runtime.link;
    link.program = () =>
      Promise.resolve({ ok: false, error: { code: 'COMMUNICATION_FAILED', message: 'no acknowledgement' } });
    expect(await f.call('program:apply', { settings: preview.settings, reviewed: preview.reviewed })).toMatchObject({
      ok: true,
      value: { outcome: 'rejected' },
    });
    expect(await f.call('pump:interrogate')).toMatchObject({ ok: true });
    expect(f.runtime.db.prepare('SELECT outcome FROM programming_sessions').pluck().all()).toEqual(['rejected']);
  });

  it('a stop sent with a rate is recorded and sent with the rate 0', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const preview = await f.value<{ settings: PumpSettings; reviewed: unknown }>('program:preview', {
      mode: 'stopped',
      dailyDose: '0',
    });
    const settings = { ...preview.settings, mode: 'stopped', rate: { value: '0.3', unit: 'mL/day' } };
    const applied = await f.call('program:apply', {
      settings,
      reviewed: preview.reviewed,
      acknowledgement: 'stopped before surgery, agreed with the team',
    });
    expect(applied, JSON.stringify(applied)).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    const intent = JSON.parse(
      f.runtime.db.prepare(`SELECT new_json FROM audit_log WHERE action = 'pump.program'`).pluck().get() as string,
    ) as { mode: string; rate: { value: string } };
    expect(intent).toMatchObject({ mode: 'stopped', rate: { value: '0' } });
    const sent = JSON.parse(
      f.runtime.db.prepare('SELECT intent_json FROM programming_sessions').pluck().get() as string,
    ) as { settings: { rate: { value: string } } };
    expect(sent.settings.rate.value).toBe('0');
  });
});
