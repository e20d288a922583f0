import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../db/audit/keys';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { openRuntime, type Runtime } from '../../services/runtime';
import { manualClock, signInThrough, tempDir, TEST_PASSWORD } from './helpers';

type Finding = { code: string; level: string };
type Preview = { settings: unknown; reviewed: unknown; check: { verdict: string; findings: Finding[] } };

let runtime: Runtime | undefined;
let cleanup = () => undefined as void;
afterEach(async () => {
  await runtime?.close();
  cleanup();
});

/** A runtime as a host opens it, with a wand attached (the wand driver over an in-memory USB device) or in training mode. */
async function open(withWand: boolean) {
  const made = tempDir();
  cleanup = made.cleanup;
  const clock = manualClock();
  const device = new SimulatedUsbDevice(
    new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)),
  );
  runtime = await openRuntime({
    host: 'web',
    databasePath: join(made.dir, 'db.sqlite'),
    now: clock.now,
    keys: new FileKeyStore(join(made.dir, 'keys')),
    ...(withWand
      ? { usb: { getDevices: () => Promise.resolve([device]) } }
      : { simulator: true, simulatorOptions: { clock: clock.now } }),
  });
  const r = runtime;
  const value = async <T>(channel: string, input: unknown = {}): Promise<T> => {
    const res = await r.dispatch(channel, input);
    if (!res.ok) throw new Error(`${channel}: ${res.error.code} ${res.error.message}`);
    return res.value as T;
  };
  await signInThrough(r.dispatch, 'dr.li');
  await value('pump:interrogate');
  return { dispatch: r.dispatch, value, db: r.db };
}

describe('a drug library no pharmacist has confirmed', () => {
  it('is used on a patient’s pump only with a recorded acknowledgement, and no longer once a pharmacist confirms a version', async () => {
    const { dispatch, value, db } = await open(true);
    expect((await value<{ link: { training: boolean } }>('app:info')).link.training).toBe(false);
    // An ordinary decrease: the only finding is the unconfirmed library.
    const preview = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '2.7' });
    expect(preview.check.findings.map((f) => `${f.code}:${f.level}`)).toEqual(['LIBRARY_UNCONFIRMED:soft']);
    const apply = (acknowledgement?: string) =>
      dispatch('program:apply', {
        settings: preview.settings,
        reviewed: preview.reviewed,
        ...(acknowledgement === undefined ? {} : { acknowledgement }),
      });
    expect(await apply()).toMatchObject({ ok: false, error: { code: 'ACKNOWLEDGEMENT_REQUIRED' } });
    expect(await apply('site library in preparation; limits read against the consensus by Dr Li')).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    const row = db
      .prepare(
        `SELECT reason, acks_json FROM audit_log WHERE action = 'pump.program' AND outcome = 'pending' ORDER BY seq DESC LIMIT 1`,
      )
      .get() as { reason: string; acks_json: string };
    expect(row.reason).toContain('site library in preparation');
    expect(JSON.parse(row.acks_json)).toEqual([expect.objectContaining({ code: 'LIBRARY_UNCONFIRMED' })]);

    // The site saves its own version (administrator) and a second one, the pharmacist, confirms it: no finding then.
    await value('auth:signIn', { username: 'admin', password: TEST_PASSWORD });
    await value('users:create', {
      username: 'pharm.sun',
      displayName: 'Pharmacist Sun',
      password: TEST_PASSWORD,
      role: 'admin',
    });
    const { library } = await value<{ library: Record<string, unknown> }>('library:get');
    const saved = await value<{ version: number }>('library:save', { library: { ...library, name: 'Site library' } });
    await value('auth:signIn', { username: 'pharm.sun', password: TEST_PASSWORD });
    await value('library:confirm', { version: saved.version });
    await value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    const after = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '2.4' });
    expect(after.check.findings.map((f) => f.code)).not.toContain('LIBRARY_UNCONFIRMED');
  });

  it('needs no acknowledgement in training mode (the simulated pump is no patient’s)', async () => {
    const { value } = await open(false);
    const preview = await value<Preview>('program:preview', { mode: 'continuous', dailyDose: '2.7' });
    expect(preview.check.findings).toEqual([]);
  });
});
