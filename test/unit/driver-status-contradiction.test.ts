// A STATUS that contradicts itself is a protocol violation (docs/wand-protocol.md, "Validation on
// receive"): pump time 0 (no clock) without the clock-lost alarm, the clock-lost alarm with a time,
// or an alarm named twice. The host reports it typed, naming the field, ends its session and
// takes nothing of it as the pump's state.
import { describe, expect, it } from 'vitest';
import { ALARM_CODES } from '../../drivers/protocol/messages';
import { hostileSetup } from './driver-fakes';
import { on, status } from './driver-hostile-wand-support';

const CLOCK_LOST = ALARM_CODES.indexOf('CLOCK_LOST');
const LOW = ALARM_CODES.indexOf('LOW_RESERVOIR');
const STALL = ALARM_CODES.indexOf('MOTOR_STALL');

describe('a STATUS whose time and clock-lost alarm disagree, or that names an alarm twice', () => {
  it('time 0 without CLOCK_LOST: STATUS.pumpTime', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      { seq, message: status(answer, { pumpTime: 0, alarms: [] }) },
    ]);
    const r = await link.interrogate();
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field: 'STATUS.pumpTime' } });
    // Not retried: the wand answered once, and the next request starts a new session with HELLO.
    wand.rewrite = undefined;
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
  });

  it('CLOCK_LOST with a nonzero time (a time since reset): STATUS.pumpTime', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      { seq, message: status(answer, { pumpTime: 3_600, alarms: [{ code: CLOCK_LOST, since: 0 }] }) },
    ]);
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { field: 'STATUS.pumpTime' } });
  });

  it('an alarm named twice: STATUS.alarms', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => {
      const time = answer.type === 'STATUS' ? answer.status.pumpTime : 1;
      return [
        {
          seq,
          message: status(answer, {
            alarms: [
              { code: LOW, since: time },
              { code: STALL, since: time },
              { code: LOW, since: time - 60 },
            ],
          }),
        },
      ];
    });
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { field: 'STATUS.alarms' } });
  });

  it('CLOCK_LOST named twice with time 0: STATUS.alarms', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      {
        seq,
        message: status(answer, {
          pumpTime: 0,
          alarms: [
            { code: CLOCK_LOST, since: 0 },
            { code: CLOCK_LOST, since: 0 },
          ],
        }),
      },
    ]);
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { field: 'STATUS.alarms' } });
  });

  it('agreeing fields are read: time 0 with CLOCK_LOST (no clock), and a time with distinct alarms', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      {
        seq,
        message: status(answer, {
          pumpTime: 0,
          alarms: [
            { code: STALL, since: 0 },
            { code: CLOCK_LOST, since: 0 },
          ],
        }),
      },
    ]);
    expect(await link.interrogate()).toMatchObject({
      ok: true,
      value: {
        pumpTime: null,
        alarms: [
          { code: 'MOTOR_STALL', since: null },
          { code: 'CLOCK_LOST', since: null },
        ],
      },
    });
  });

  it('CLOCK_LOST stamped other than 0 (an uptime counter): STATUS.alarms.since', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      { seq, message: status(answer, { pumpTime: 0, alarms: [{ code: CLOCK_LOST, since: 192 }] }) },
    ]);
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { field: 'STATUS.alarms.since' } });
  });

  it('an alarm stamped after the pump time is accepted: raised before a SET_CLOCK that set the clock back', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => {
      const time = answer.type === 'STATUS' ? answer.status.pumpTime : 1;
      return [{ seq, message: status(answer, { alarms: [{ code: LOW, since: time + 47 }] }) }];
    });
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { alarms: [{ code: 'LOW_RESERVOIR' }] } });
  });
});
