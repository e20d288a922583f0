// The wand conformance suite (test/conformance/) against the simulator's in-memory USBDevice; the
// kernel bench runs the same suite against the kernel device (test/usb/conformance-cases.ts). Then
// the suite against wands broken on purpose: each must fail it, on the item the defect breaks.
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage, WandErrorCode, type Message } from '../../drivers/protocol/messages';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { conformanceCases, runConformance, type ConformanceTarget } from '../conformance/suite';

/**
 * The simulated wand and pump behind the in-memory device, as a conformance target; `now` is the
 * device's monotonic clock (by default the real one: the suite waits in real time).
 */
function simulator(now?: () => number) {
  const pump = new SimulatedPump(defaultSimulatedPump(new Date()));
  const wand = new SimulatedWand(pump);
  const device = new SimulatedUsbDevice(wand, 0, now);
  const target: ConformanceTarget = {
    device: () => Promise.resolve(device),
    pumpInRange: (inRange) => {
      wand.pumpInRange = inRange;
      return Promise.resolve();
    },
    logEvents: (count) => {
      for (let i = 0; i < count; i++) pump.alarmTest();
      return Promise.resolve();
    },
    loseClock: () => {
      pump.loseClock();
      return Promise.resolve();
    },
  };
  return { pump, wand, device, target };
}

/** Rewrites every answer the wand gives: decoded, changed by `change`, encoded again. */
function rewriteAnswers(wand: SimulatedWand, change: (seq: number, m: Message) => [number, Message]): void {
  const handle = wand.handle.bind(wand);
  wand.handle = (bytes) => {
    const answer = decodeFrame(handle(bytes));
    if (!answer.ok) throw new Error('the simulated wand answered a bad frame');
    const m = decodeMessage(answer.frame.type, answer.frame.payload);
    if (!m.ok) throw new Error('the simulated wand answered a bad message');
    const [seq, changed] = change(answer.frame.seq, m.message);
    return encodeFrame({ seq, ...encodeMessage(changed) });
  };
}

describe('the wand conformance suite on the simulator', () => {
  for (const c of conformanceCases)
    it(`${c.items.join(', ')}: ${c.name}`, async () => {
      const { target, device } = simulator();
      await c.run(target);
      // The suite closes what it opened.
      expect(device.opened).toBe(false);
    });

  // A correct pump may have no clock when the suite starts (W14): every case passes on it alone.
  for (const c of conformanceCases)
    it(`${c.items.join(', ')} on a pump that has lost its clock: ${c.name}`, async () => {
      const { target, pump } = simulator();
      pump.loseClock();
      await c.run(target);
    });

  it('every case in order on one wand, as the kernel bench runs them', async () => {
    expect(await runConformance(simulator().target)).toEqual([]);
  });
});

describe('a wand that breaks the protocol fails the suite on the item it breaks', () => {
  const failuresOf = async (s: ReturnType<typeof simulator>) =>
    (await runConformance(s.target)).map((f) => f.error.split(':')[0]);

  it('W5: a pump that remembers only its last transaction applies an older one replayed', async () => {
    const s = simulator();
    s.pump.hasApplied = (id) => id === s.pump.lastTransactionId;
    expect(await failuresOf(s)).toEqual(['W5']);
  });

  it('W2: COMMITTED naming another transaction', async () => {
    const s = simulator();
    rewriteAnswers(s.wand, (seq, m) => [seq, m.type === 'COMMITTED' ? { ...m, txId: m.txId.map((b) => b ^ 1) } : m]);
    // The driver refuses the answer too (protocol violation, COMMITTED.txId).
    expect(new Set(await failuresOf(s))).toEqual(new Set(['W2', 'driver']));
  });

  it('W1, W6: an ERROR about a payload that does not decode numbered 0 instead of the request’s number', async () => {
    const s = simulator();
    rewriteAnswers(s.wand, (seq, m) => [m.type === 'ERROR' && m.message.startsWith('bad message') ? 0 : seq, m]);
    // The two cases that send such payloads (a short one, a SET_CLOCK offset out of range).
    expect(await failuresOf(s)).toEqual(['W1', 'W1']);
  });

  it('W7: a wand that states version 1 in HELLO_ACK', async () => {
    const s = simulator();
    rewriteAnswers(s.wand, (seq, m) => [seq, m.type === 'HELLO_ACK' ? { ...m, version: 1 } : m]);
    expect(new Set(await failuresOf(s))).toEqual(new Set(['W7', 'driver']));
  });

  it('W8: EVENTS claiming one page more than the log holds', async () => {
    const s = simulator();
    rewriteAnswers(s.wand, (seq, m) => [seq, m.type === 'EVENTS' ? { ...m, pages: m.pages + 1 } : m]);
    // The driver asks for the page that is not there and is refused.
    expect(new Set(await failuresOf(s))).toEqual(new Set(['W8', 'driver']));
  });

  it('W9: a wand that keeps a staged program across a new session (a COMMIT asking about it would apply it)', async () => {
    const s = simulator();
    const wand = s.wand as unknown as { staged: unknown; begun: unknown };
    const handle = s.wand.handle.bind(s.wand);
    s.wand.handle = (bytes: Uint8Array) => {
      const kept = { staged: wand.staged, begun: wand.begun };
      const answer = handle(bytes);
      const frame = decodeFrame(bytes);
      const m = frame.ok ? decodeMessage(frame.frame.type, frame.frame.payload) : undefined;
      if (m?.ok === true && (m.message.type === 'OPEN_SESSION' || m.message.type === 'HELLO'))
        Object.assign(wand, kept);
      return answer;
    };
    expect(new Set(await failuresOf(s))).toContain('W9');
  });

  it('W12: a wand that answers every COMMIT with nothing staged as already applied', async () => {
    const s = simulator();
    const handle = s.wand.handle.bind(s.wand);
    s.wand.handle = (bytes: Uint8Array) => {
      const answer = handle(bytes);
      const request = decodeFrame(bytes);
      const m = request.ok ? decodeMessage(request.frame.type, request.frame.payload) : undefined;
      const a = decodeFrame(answer);
      const reply = a.ok ? decodeMessage(a.frame.type, a.frame.payload) : undefined;
      if (
        request.ok &&
        m?.ok === true &&
        m.message.type === 'COMMIT' &&
        reply?.ok === true &&
        reply.message.type === 'ERROR'
      )
        return encodeFrame({
          seq: request.frame.seq,
          ...encodeMessage({ type: 'COMMITTED', txId: m.message.txId, applied: false }),
        });
      return answer;
    };
    expect(new Set(await failuresOf(s))).toContain('W12');
  });

  it('W11: a pump that runs flex steps by its UTC clock, ignoring the offset', async () => {
    const s = simulator();
    const setClock = s.pump.setClock.bind(s.pump);
    s.pump.setClock = (time) => setClock(time, 0);
    expect(new Set(await failuresOf(s))).toEqual(new Set(['W11']));
  });

  it('W4: a pump that reports its reservoir rounded down to 0.1 mL, not to the µL', async () => {
    const s = simulator();
    rewriteAnswers(s.wand, (seq, m) => [
      seq,
      m.type === 'STATUS'
        ? { ...m, status: { ...m.status, reservoirUl: m.status.reservoirUl - (m.status.reservoirUl % 100) } }
        : m,
    ]);
    expect(await failuresOf(s)).toEqual(['W4']);
  });

  it('W13: a wand that keeps the part of a frame however long the next packet takes', async () => {
    // Its clock stands still: no gap is ever over the limit.
    const s = simulator(() => 0);
    expect(await failuresOf(s)).toEqual(['W13']);
  });

  it('W13: a wand that drops the part of a frame after 10 ms, not 200', async () => {
    // Its clock runs 20 times fast: the 20 ms between two packets of a frame are 400 ms to it.
    // The W13 case alone: the frame it then never answers leaves a read pending on the in-memory
    // device, which would take the next case's first answer.
    const s = simulator(() => performance.now() * 20);
    const w13 = conformanceCases.filter((c) => c.items.includes('W13'));
    expect(w13).toHaveLength(1);
    for (const c of w13)
      await expect(c.run(s.target)).rejects.toThrow(
        /^W13: a STAGE_PROGRAM whose packets came 20 ms apart was not answered/,
      );
  });

  it('W14: a pump without a clock that reports the time since its reset instead of time 0', async () => {
    const s = simulator();
    rewriteAnswers(s.wand, (seq, m) => [
      seq,
      m.type === 'STATUS' && m.status.pumpTime === 0 ? { ...m, status: { ...m.status, pumpTime: 3600 } } : m,
    ]);
    expect(await failuresOf(s)).toEqual(['W14']);
  });

  it('W14: a wand that stages a flex program for a pump without a clock', async () => {
    const s = simulator();
    const handle = s.wand.handle.bind(s.wand);
    s.wand.handle = (bytes: Uint8Array) => {
      const answer = handle(bytes);
      const request = decodeFrame(bytes);
      const m = request.ok ? decodeMessage(request.frame.type, request.frame.payload) : undefined;
      const a = decodeFrame(answer);
      const reply = a.ok ? decodeMessage(a.frame.type, a.frame.payload) : undefined;
      if (
        request.ok &&
        m?.ok === true &&
        m.message.type === 'STAGE_PROGRAM' &&
        m.message.settings.mode === 2 &&
        !s.pump.hasClock &&
        reply?.ok === true &&
        reply.message.type === 'ERROR' &&
        reply.message.code === WandErrorCode.PUMP_REFUSED
      )
        return encodeFrame({ seq: request.frame.seq, ...encodeMessage({ type: 'STAGED', txId: m.message.txId }) });
      return answer;
    };
    expect(await failuresOf(s)).toEqual(['W14']);
  });
});
