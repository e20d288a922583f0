import { describe, expect, it } from 'vitest';
import { channels, type Channel } from '../../core/api/channels';
import { may } from '../../core/permissions';
import { gates } from '../../services/handlers/gates';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough } from './helpers';

// The gates of services/handlers/gates.ts, through the handlers a runtime serves. Each handler is
// called with no input at all: a handler that ran without its gate would throw or answer
// something else, so every refusal below comes from the gate, before anything is read or sent.
const f = runtimeFixture();
const gated = channels.filter((c) => gates[c] !== 'open');
const callBare = (channel: Channel) => (f.runtime.handlers[channel] as (input: unknown) => Promise<unknown>)(undefined);
const auditRecords = () => f.runtime.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_log').get()?.n;

describe('channel gates', () => {
  it('open only the channels a workstation needs before anyone signs in', () => {
    expect(channels.filter((c) => gates[c] === 'open').sort()).toEqual(
      [
        'app:info',
        'auth:lock',
        'auth:setup',
        'auth:signIn',
        'auth:signOut',
        'auth:status',
        'report:pdf',
        'sessions:unconfirmed',
        'wand:status',
      ].sort(),
    );
  });

  it('answer SIGNED_OUT on every other channel when nobody is signed in, and write nothing', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await f.value('auth:signOut');
    const before = auditRecords();
    for (const channel of gated) {
      expect({ channel, answer: await callBare(channel) }).toMatchObject({
        channel,
        answer: { ok: false, error: { code: 'SIGNED_OUT' } },
      });
    }
    expect(auditRecords()).toBe(before);
  });

  it('answer SESSION_LOCKED on every other channel while the workstation is locked', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    await f.value('auth:lock');
    for (const channel of gated) {
      expect({ channel, answer: await callBare(channel) }).toMatchObject({
        channel,
        answer: { ok: false, error: { code: 'SESSION_LOCKED' } },
      });
    }
  });

  it("answer FORBIDDEN to a nurse on every channel whose operation a nurse's role may not do", async () => {
    await signInThrough(f.runtime.dispatch, 'nurse.wang');
    const forbidden = gated.filter((c) => {
      const gate = gates[c];
      return gate !== 'signedIn' && gate !== 'open' && !may('nurse', gate);
    });
    // Programming, boluses, orders, the review list, the audit export and user management at least.
    expect(forbidden).toEqual(
      expect.arrayContaining(['program:apply', 'bolus:deliver', 'prescriptions:create', 'reviews:clear', 'users:list']),
    );
    for (const channel of forbidden) {
      expect({ channel, answer: await callBare(channel) }).toMatchObject({
        channel,
        answer: { ok: false, error: { code: 'FORBIDDEN' } },
      });
    }
    // The nurse is still signed in: the gate refused the channel, not the session.
    expect(await f.value('auth:status')).toMatchObject({ user: { username: 'nurse.wang' } });
  });
});
