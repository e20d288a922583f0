import { randomUUID } from 'node:crypto';
import { decodeFrame, encodeFrame } from '../drivers/protocol/frame';
import { decodeMessage, encodeMessage, type Message } from '../drivers/protocol/messages';
import { toWireStatus } from '../drivers/protocol/convert';
import { SimulatedPump, defaultSimulatedPump } from '../drivers/simulator/pump';
import { trainingLink } from '../drivers/simulator/training';
import { median, timeEach, type Benchmark, type BenchResult } from './harness';

const LATENCY_MS = 20;

/** A status frame as the pump sends it: the largest frame of an interrogation. */
function statusMessage(): Message {
  const status = toWireStatus(new SimulatedPump(defaultSimulatedPump(new Date())).status());
  if (!status.ok) throw new Error(status.error.message);
  return { type: 'STATUS', status: status.value };
}

export const codecBench: Benchmark = {
  name: 'wand codec: encode + decode a status frame',
  run({ smoke }) {
    const m = statusMessage();
    const count = smoke ? 100 : 200_000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const { type, payload } = encodeMessage(m);
      const frame = decodeFrame(encodeFrame({ seq: i & 0xff, type, payload }));
      if (!frame.ok || !decodeMessage(frame.frame.type, frame.frame.payload).ok) throw new Error('codec failed');
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    // Baseline: the same bytes through JSON, a codec that does no validation at all.
    const json = JSON.stringify(m, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));
    const b0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) JSON.parse(JSON.stringify(JSON.parse(json)));
    const baseSeconds = Number(process.hrtime.bigint() - b0) / 1e9;
    const value = count / seconds;
    const baseline = count / baseSeconds;
    return Promise.resolve({
      name: this.name,
      value,
      unit: 'frm/s',
      baselineName: 'JSON round trip of the same message',
      baseline,
      ratio: value / baseline,
      samples: count,
    });
  },
};

/** Frame exchanges × the simulated telemetry latency: the time the link itself needs. */
const floorMs = (exchanges: number) => exchanges * LATENCY_MS;

export const interrogateWandBench: Benchmark = {
  name: `interrogate through the wand (${LATENCY_MS} ms/frame)`,
  async run({ smoke }): Promise<BenchResult> {
    const samples = await timeEach(smoke ? 1 : 10, async () => {
      const { link } = trainingLink({ latencyMs: LATENCY_MS });
      const r = await link.interrogate(); // HELLO, FIND_PUMP, OPEN_SESSION, READ_STATUS
      if (!r.ok) throw new Error(r.error.message);
    });
    const value = median(samples);
    const baseline = floorMs(4);
    return {
      name: this.name,
      value,
      unit: 'ms',
      baselineName: 'physical floor, 4 frames',
      baseline,
      ratio: value / baseline,
      samples: samples.length,
    };
  },
};

export const programWandBench: Benchmark = {
  name: `program through the wand (${LATENCY_MS} ms/frame)`,
  async run({ smoke }): Promise<BenchResult> {
    const samples = await timeEach(smoke ? 1 : 10, async () => {
      const { link } = trainingLink({ latencyMs: LATENCY_MS });
      const r = await link.program({
        sessionId: 's',
        transactionId: randomUUID(),
        settings: {
          drug: 'morphine',
          concentration: { value: '10', unit: 'mg/mL' },
          mode: 'continuous',
          rate: { value: '0.33', unit: 'mL/day' },
        },
      });
      if (!r.ok) throw new Error(r.error.message);
      const back = await link.interrogate(); // read-back on the open session
      if (!back.ok) throw new Error(back.error.message);
    });
    const value = median(samples);
    const baseline = floorMs(7); // HELLO, FIND_PUMP, OPEN_SESSION, BEGIN_TX, STAGE, COMMIT, READ_STATUS
    return {
      name: this.name,
      value,
      unit: 'ms',
      baselineName: 'physical floor, 7 frames',
      baseline,
      ratio: value / baseline,
      samples: samples.length,
    };
  },
};
