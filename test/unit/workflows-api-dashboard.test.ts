import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough } from './helpers';
import { workflowHelpers } from './workflows-api-support';

const f = runtimeFixture();
const { call, value } = workflowHelpers(f);

describe('the pump dashboard through the API', () => {
  it('sets the clock, runs the alarm test and reads both back from the pump’s own event log', async () => {
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    expect(await value('pump:setClock')).toMatchObject({ driftAfter: 0 });
    await value('pump:alarmTest');
    const events = await value<Array<{ code: string; at: string }>>('pump:events');
    expect(events.map((e) => e.code)).toEqual(['CLOCK_SET', 'ALARM_TEST']);
    await value('auth:signOut');
    expect(await call('pump:events')).toMatchObject({ ok: false, error: { code: 'SIGNED_OUT' } });
  });
});
