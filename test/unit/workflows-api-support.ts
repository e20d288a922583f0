import type { runtimeFixture } from './runtime-fixture';

// What the API workflow tests share: calls over a test file's runtime fixture, the clock moved a
// minute at a time, and the training pump registered to patient P-1.

type Fixture = ReturnType<typeof runtimeFixture>;

/** The helpers that act on a test file's fixture. */
export const workflowHelpers = (f: Fixture) => {
  const call = (channel: string, input: unknown = {}) => f.call(channel, input);
  const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);
  const minutes = (n: number) => {
    for (let i = 0; i < n; i++) f.clock.advanceDays(1 / 1440);
  };

  async function registerTrainingPump() {
    const { id } = await value<{ id: number }>('patients:create', {
      identifier: 'P-1',
      name: 'Zhang Wei',
      indication: 'non-cancer',
    });
    await value('pumps:register', { patientId: id, serial: 'SIM000123', modelId: 'sim-40', implantDate: '2026-01-10' });
    return id;
  }
  return { call, value, minutes, registerTrainingPump };
};
