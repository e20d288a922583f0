import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { channels, PUMP_COMMAND_CHANNELS } from '../../core/api/channels';
import { appError, err, ok } from '../../core/result';
import { createDispatcher, unforeseenFailure, type Handlers } from '../../services/dispatch';
import type { InterrogationRecord } from '../../core/api/contract';

const record: InterrogationRecord = {
  id: 1,
  recordedAt: '2026-03-01T08:00:00.000Z',
  link: 'simulator',
  status: {
    model: 'M',
    serial: 'S1',
    pumpTime: '2026-03-01T08:00:00.000Z',
    drug: 'baclofen',
    concentration: { value: '500', unit: 'mcg/mL' },
    mode: 'continuous',
    rate: { value: '0.8', unit: 'mL/day' },
    dailyDose: { value: '400', unit: 'mcg/day' },
    reservoirVolume: { value: '12.5', unit: 'mL' },
    reservoirCapacity: { value: '20', unit: 'mL' },
    lowReservoirAlarmVolume: { value: '2', unit: 'mL' },
    replaceByDate: '2030-01-01',
    alarms: [],
    lastTransactionId: null,
  },
  clockDriftSeconds: 0,
};

function handlers(calls: string[]): Handlers {
  const unused = Object.fromEntries(
    channels.map((c) => [c, () => Promise.resolve(err(appError('INTERNAL', `${c} is not part of this test`)))]),
  ) as unknown as Handlers;
  return {
    ...unused,
    'app:info': () => {
      calls.push('app:info');
      return Promise.resolve(
        ok({ version: '0', host: 'web', link: { kind: 'simulator', training: true }, databasePath: '/x' } as const),
      );
    },
    'pump:interrogate': () => {
      calls.push('pump:interrogate');
      return Promise.resolve(ok(record));
    },
    'interrogations:list': (input) => {
      calls.push(`interrogations:list:${input.limit}`);
      return Promise.resolve(ok([record]));
    },
    'sessions:unconfirmed': () => Promise.resolve(ok([])),
    'wand:status': () => {
      calls.push('wand:status');
      return Promise.resolve(ok({ state: 'pump-found', linkQuality: 90, pumpSerial: 'S1' } as const));
    },
  };
}

describe('the API dispatcher shared by every host', () => {
  it('runs a valid request and applies schema defaults', async () => {
    const calls: string[] = [];
    const dispatch = createDispatcher(handlers(calls));
    const result = await dispatch('interrogations:list', {});
    expect(result.ok).toBe(true);
    expect(calls).toEqual(['interrogations:list:20']);
  });

  it('refuses an unknown channel without calling anything', async () => {
    const calls: string[] = [];
    const result = await createDispatcher(handlers(calls))('pump:format', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(calls).toEqual([]);
  });

  it.each([
    ['a wrong type', { limit: 'ten' }, 'limit'],
    ['an out-of-range value', { limit: 1000 }, 'limit'],
    ['an unknown field', { limit: 5, dose: '1' }, undefined],
    ['a non-object', 'interrogate', undefined],
  ])('answers %s with INVALID_INPUT and runs nothing', async (_name, input, field) => {
    const calls: string[] = [];
    const result = await createDispatcher(handlers(calls))('interrogations:list', input);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!result.ok && field !== undefined) expect(result.error.field).toBe(field);
    expect(calls).toEqual([]);
  });

  it('refuses an oversize payload with PAYLOAD_TOO_LARGE', async () => {
    const calls: string[] = [];
    const result = await createDispatcher(handlers(calls))('pump:interrogate', { padding: 'x'.repeat(70_000) });
    expect(result).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(calls).toEqual([]);
  });

  it('turns a throwing handler into INTERNAL and logs the cause', async () => {
    const logged: unknown[] = [];
    const h = handlers([]);
    h['pump:interrogate'] = () => Promise.reject(new Error('boom'));
    const result = await createDispatcher(h, (e) => logged.push(e))('pump:interrogate', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', key: 'unexpectedError' } });
    expect(logged).toHaveLength(1);
  });

  it.each(['pump:setClock', 'pump:alarmTest', 'sessions:resolve'] as const)(
    'never says "nothing was sent" when %s fails unforeseen: the command may have reached the pump',
    async (channel) => {
      const failing = { ...handlers([]), [channel]: () => Promise.reject(new Error('failed after the write')) };
      const result = await createDispatcher(failing)(channel, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', key: 'unexpectedErrorAfterPump' } });
      expect(result.ok ? '' : result.error.message).not.toMatch(/nothing was sent/i);
    },
  );

  it('says "nothing was sent" after an unforeseen failure only on channels that send the pump no command', () => {
    const commands: readonly string[] = PUMP_COMMAND_CHANNELS;
    for (const channel of channels) {
      const { message } = unforeseenFailure(channel);
      if (commands.includes(channel)) expect(message, channel).toMatch(/may have reached the pump/);
      else expect(message, channel).toMatch(/nothing was sent to the pump/);
    }
    // Every channel whose service writes to the pump is among them.
    expect(commands).toEqual(
      expect.arrayContaining(['program:apply', 'bolus:deliver', 'refill:perform', 'pump:setClock', 'pump:alarmTest']),
    );
  });

  it('answers any JSON value on any channel name with a result, never an exception', async () => {
    const dispatch = createDispatcher(handlers([]));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...channels), fc.string()), fc.jsonValue(), async (channel, input) => {
        const result = await dispatch(channel, input);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.error.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 500 },
    );
  });
});
