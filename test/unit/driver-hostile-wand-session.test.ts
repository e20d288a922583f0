import { describe, expect, it } from 'vitest';
import { MESSAGE_VERSION, MessageType } from '../../drivers/protocol/messages';
import { REPLAY_WINDOW, SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { frameOf, hostileSetup } from './driver-fakes';
import { manualClock } from './helpers';
import { TX_A, TX_B, morphine, write, on } from './driver-hostile-wand-support';

describe('the event log is bounded', () => {
  it('refuses a wand that claims 65,535 pages at once', async () => {
    const { link, wand, device } = hostileSetup();
    wand.rewrite = on('READ_EVENTS', (request, _a, seq) => [
      {
        seq,
        message: { type: 'EVENTS', page: request.type === 'READ_EVENTS' ? request.page : 0, pages: 0xffff, events: [] },
      },
    ]);
    const started = Date.now();
    expect(await link.readEvents()).toMatchObject({ ok: false, error: { field: 'EVENTS.pages' } });
    expect(device.requests).toBeLessThanOrEqual(4);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up on the whole log at its deadline, however slowly the pages come', async () => {
    const { link, wand, device } = hostileSetup({ latencyMs: 20, eventsDeadlineMs: 150, timeoutMs: 200 });
    wand.rewrite = on('READ_EVENTS', (request, _a, seq) => [
      {
        seq,
        message: { type: 'EVENTS', page: request.type === 'READ_EVENTS' ? request.page : 0, pages: 128, events: [] },
      },
    ]);
    expect(await link.readEvents()).toMatchObject({ ok: false, error: { field: 'EVENTS.deadline' } });
    expect(device.requests).toBeLessThan(20);
  });
});

describe('replay protection keeps a window of applied transactions', () => {
  it('does not apply an older transaction replayed after a newer one, and answers it as a duplicate', async () => {
    const { link, pump } = hostileSetup();
    expect(await link.program(write(TX_A, '0.36'))).toEqual({ ok: true, value: { applied: true } });
    expect(await link.program(write(TX_B, '0.3'))).toEqual({ ok: true, value: { applied: true } });
    expect(await link.program(write(TX_A, '0.36'))).toEqual({ ok: true, value: { applied: false } });
    expect(pump.settings.rate.value).toBe('0.3');
    expect(pump.lastTransactionId).toBe(TX_B);
    expect(pump.events.filter((e) => e.code === 'PROGRAM_APPLIED')).toHaveLength(2);
  });

  it('applies each bolus transaction once, even replayed after another', async () => {
    const { link, pump } = hostileSetup();
    const bolus = (transactionId: string) => ({
      transactionId,
      kind: 'single' as const,
      volumeMl: '0.1',
      durationMinutes: 10,
    });
    expect(await link.startBolus(bolus(TX_A))).toEqual({ ok: true, value: { applied: true } });
    expect(await link.startBolus(bolus(TX_B))).toEqual({ ok: true, value: { applied: true } });
    expect(await link.startBolus(bolus(TX_A))).toEqual({ ok: true, value: { applied: false } });
    expect(pump.events.filter((e) => e.code === 'BOLUS_STARTED')).toHaveLength(2);
  });

  it(`remembers exactly the last ${REPLAY_WINDOW} transactions`, () => {
    const clock = manualClock();
    const pump = new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now);
    expect(pump.apply('tx-0', morphine('0.3'))).toBe(true);
    for (let i = 1; i < REPLAY_WINDOW; i++) expect(pump.apply(`tx-${i}`, morphine('0.3'))).toBe(true);
    expect(pump.apply('tx-0', morphine('0.3'))).toBe(false); // still in the window
    expect(pump.apply(`tx-${REPLAY_WINDOW}`, morphine('0.3'))).toBe(true); // pushes tx-0 out
    expect(pump.hasApplied('tx-0')).toBe(false);
    expect(pump.hasApplied('tx-1')).toBe(true);
  });
});

describe('the protocol version is exchanged in HELLO', () => {
  it('stops at HELLO when the wand speaks another version', async () => {
    const { link, wand, device } = hostileSetup();
    wand.version = 1; // a wand of the first message version: its SET_CLOCK and STATUS carry no UTC offset
    const r = await link.interrogate();
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED', field: 'HELLO_ACK.version' } });
    expect(device.requests).toBe(1);
  });

  it('the wand serves nothing but HELLO to a host of another version', () => {
    const { wand } = hostileSetup();
    const answer = (bytes: Uint8Array) => wand.handle(bytes)[6];
    expect(answer(frameOf(1, { type: 'HELLO', version: 9 }))).toBe(MessageType.HELLO_ACK);
    expect(answer(frameOf(2, { type: 'FIND_PUMP' }))).toBe(MessageType.ERROR);
    expect(answer(frameOf(3, { type: 'HELLO', version: MESSAGE_VERSION }))).toBe(MessageType.HELLO_ACK);
    expect(answer(frameOf(4, { type: 'FIND_PUMP' }))).toBe(MessageType.PUMP_FOUND);
  });
});
