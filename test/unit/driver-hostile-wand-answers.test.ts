import { describe, expect, it } from 'vitest';
import { type Message } from '../../drivers/protocol/messages';
import { hostileSetup } from './driver-fakes';
import { TX_A, OTHER_ID, write, on, status } from './driver-hostile-wand-support';

describe('sequence number 0 is only ever an ERROR', () => {
  it('takes a STATUS numbered 0 naming another pump for what it is: not the answer', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      { seq: 0, message: status(answer, { serial: 'OTHER-PUMP-9' }) },
      { seq, message: answer },
    ]);
    const r = await link.interrogate();
    expect(r).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
  });

  it('never shows a STATUS numbered 0 alone: the request times out instead', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer) => [{ seq: 0, message: status(answer, { serial: 'OTHER-PUMP-9' }) }]);
    const r = await link.interrogate();
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain('OTHER-PUMP-9');
  });

  it('repeats a request the wand could not read (ERROR numbered 0)', async () => {
    const { link, wand, device } = hostileSetup();
    let first = true;
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => {
      if (!first) return [{ seq, message: answer }];
      first = false;
      return [{ seq: 0, message: { type: 'ERROR', code: 3, message: 'bad frame: BAD_CRC' } }];
    });
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
    expect(device.requests).toBe(5); // HELLO, FIND_PUMP, OPEN_SESSION, READ_STATUS twice
  });
});

describe('every echoed field is checked', () => {
  it('does not report a program as applied when COMMITTED names another transaction', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('COMMIT', (_r, _a, seq) => [
      { seq, message: { type: 'COMMITTED', txId: OTHER_ID, applied: true } },
    ]);
    const r = await link.program(write(TX_A, '0.36'));
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field: 'COMMITTED.txId' } });
  });

  it.each<[string, Message['type'], (answer: Message) => Message, string]>([
    [
      'SESSION_OPENED with another session id',
      'OPEN_SESSION',
      () => ({ type: 'SESSION_OPENED', sessionId: OTHER_ID }),
      'SESSION_OPENED.sessionId',
    ],
    ['TX_BEGUN with another transaction', 'BEGIN_TX', () => ({ type: 'TX_BEGUN', txId: OTHER_ID }), 'TX_BEGUN.txId'],
    ['STAGED with another transaction', 'STAGE_PROGRAM', () => ({ type: 'STAGED', txId: OTHER_ID }), 'STAGED.txId'],
  ])('refuses %s', async (_name, type, forge, field) => {
    const { link, wand, pump } = hostileSetup();
    wand.rewrite = on(type, (_r, answer, seq) => [{ seq, message: forge(answer) }]);
    const r = await link.program(write(TX_A, '0.36'));
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field } });
    expect(pump.events.filter((e) => e.code === 'PROGRAM_APPLIED')).toHaveLength(0);
  });

  it('refuses BOLUS_STARTED naming another transaction', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('START_BOLUS', (_r, _a, seq) => [
      { seq, message: { type: 'BOLUS_STARTED', txId: OTHER_ID, applied: true } },
    ]);
    const r = await link.startBolus({ transactionId: TX_A, kind: 'single', volumeMl: '0.1', durationMinutes: 10 });
    expect(r).toMatchObject({ ok: false, error: { field: 'BOLUS_STARTED.txId' } });
  });

  it('refuses CLOCK_SET with another time', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('SET_CLOCK', (request, _a, seq) => [
      {
        seq,
        message: {
          type: 'CLOCK_SET',
          time: request.type === 'SET_CLOCK' ? request.time + 3600 : 0,
          utcOffsetMinutes: 480,
        },
      },
    ]);
    expect(await link.setClock({ time: new Date('2026-03-01T08:00:00Z'), utcOffsetMinutes: 480 })).toMatchObject({
      ok: false,
      error: { field: 'CLOCK_SET.time' },
    });
  });

  it('refuses CLOCK_SET with another UTC offset', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('SET_CLOCK', (request, _a, seq) => [
      {
        seq,
        message: { type: 'CLOCK_SET', time: request.type === 'SET_CLOCK' ? request.time : 0, utcOffsetMinutes: 0 },
      },
    ]);
    expect(await link.setClock({ time: new Date('2026-03-01T08:00:00Z'), utcOffsetMinutes: 480 })).toMatchObject({
      ok: false,
      error: { field: 'CLOCK_SET.utcOffsetMinutes' },
    });
  });

  it('refuses an EVENTS page other than the one asked for (no page read twice)', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_EVENTS', (_r, _a, seq) => [
      { seq, message: { type: 'EVENTS', page: 0, pages: 2, events: [{ time: 0, code: 3, detail: 'page 0' }] } },
    ]);
    expect(await link.readEvents()).toMatchObject({ ok: false, error: { field: 'EVENTS.page' } });
  });
});

describe('one pump per session', () => {
  it('refuses a STATUS naming another pump than the session found', async () => {
    const { link, wand } = hostileSetup();
    wand.rewrite = on('READ_STATUS', (_r, answer, seq) => [
      { seq, message: status(answer, { serial: 'OTHER-PUMP-9' }) },
    ]);
    expect(await link.interrogate()).toMatchObject({ ok: false, error: { field: 'STATUS.serial' } });
  });
});
