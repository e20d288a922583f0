import type { TrainingPumpState } from '../../drivers/simulator/presets';
import type { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';

// What the clinical-safety API tests share: the answers' shapes, and the clinic and the reviewed
// program change over a test file's runtime fixture.

type Fixture = ReturnType<typeof runtimeFixture>;
export const witness = { username: 'dr.chen', password: TEST_PASSWORD };
export type Finding = { code: string; level: string; params: Record<string, string> };
export type Preview = {
  settings: unknown;
  reviewed: unknown;
  witnessRequired: boolean;
  check: { verdict: string; findings: Finding[] };
};
export type Forecast = {
  daysToAlarm: string | null;
  alarmDate: string | null;
  nextRefillDate: string;
  limitingFactor: string;
  replacePump: boolean;
};
export const codes = (p: Preview) => p.check.findings.map((x) => `${x.code}:${x.level}`);

/** The helpers that act on a test file's fixture. */
export const safetyHelpers = (f: Fixture) => {
  const call = (channel: string, input: unknown = {}) => f.call(channel, input);
  const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);
  /** Signed in as Dr Li; patient P-1 with the training pump registered and read once. */
  async function clinic(pump: TrainingPumpState, patient: Record<string, unknown> = {}) {
    await f.withPump(pump);
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const { id } = await value<{ id: number }>('patients:create', {
      identifier: 'P-1',
      name: 'Zhang Wei',
      indication: 'cancer',
      ...patient,
    });
    await value('pumps:register', {
      patientId: id,
      serial: 'SIM000123',
      modelId: 'sim-40',
      implantDate: '2026-01-10',
      catheterModelId: 'sim-cath',
      catheterLengthCm: '40',
    });
    await value('pump:interrogate');
    return id;
  }
  /** Previews a change and applies it as reviewed, with a reason and a witness. */
  async function program(change: Record<string, unknown>, reason = 'titration agreed with the patient') {
    const preview = await value<Preview>('program:preview', change);
    return call('program:apply', {
      settings: preview.settings,
      reviewed: preview.reviewed,
      acknowledgement: reason,
      witness,
    });
  }
  return { call, value, clinic, program };
};
