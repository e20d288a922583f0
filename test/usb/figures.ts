// The kernel bench's figures: the driver beside the raw transfer floors on the same device.
import { randomUUID } from 'node:crypto';
import { WAND_USB } from '../../drivers/usb/types';
import type { WandLink } from '../../drivers/wand-link';
import { decodeFrame, encodeFrame, HEADER_BYTES, packetize, TRAILER_BYTES } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage } from '../../drivers/protocol/messages';
import { uuidToBytes } from '../../drivers/protocol/convert';
import { compareReadBack } from '../../services/read-back';
import { PACKET } from './gadget';
import { type Json, emit, check } from './bench-support';
import { runningProgram, writeOf } from './host';
import { type Context, runCase, must } from './case-runner';
import { driverCompute, exchangesOf, hostTime, median } from './figure-parts';

/**
 * Each operation runs N times through the driver (device side: the simulated wand), each run
 * followed at once by the raw floor (device side: echo), so that both meet the same load on the
 * shared machine; the ratios are the medians of the per-run ratios. "Host" is the time in which no
 * transfer was in flight: encoding, decoding, checks, event-loop turns (driver) or loop overhead
 * (floor).
 */
export async function figures(ctx: Context): Promise<void> {
  const N = 21;
  const rows: Json[] = [];
  const measureOp = async (name: string, opOn: (link: WandLink) => Promise<void>, warmups: number) => {
    const op = () => opOn(ctx.link);
    const compute = await driverCompute(opOn, N, warmups);
    emit('INFO', { figure: name, step: 'computed without USB' });
    await ctx.bridge.mode('wand');
    await op(); // warm-up
    // The floor replays the most frequent shape of the driver's exchanges (as completed transfers) in the warm-up runs.
    const shapes = new Map<string, { pattern: Array<[number, number]>; count: number }>();
    for (let i = 0; i < 5; i++) {
      ctx.recorder.transfers = [];
      await op();
      const p = exchangesOf(ctx.recorder.transfers);
      const k = JSON.stringify(p);
      shapes.set(k, { pattern: p, count: (shapes.get(k)?.count ?? 0) + 1 });
    }
    const pattern = [...shapes.values()].sort((a, b) => b.count - a.count)[0]?.pattern ?? [];
    // The driver's request frames, from a run with the same requests (the packets out per exchange;
    // how an answer splits into packets in varies with timing), for the floor on the same device.
    const outsOf = (exchanges: Array<[number, number]>) => JSON.stringify(exchanges.map(([outs]) => outs));
    const key = outsOf(pattern);
    let requests: Uint8Array[] = [];
    for (let i = 0; i < 10 && requests.length === 0; i++) {
      ctx.recorder.transfers = [];
      ctx.recorder.outData = [];
      await op();
      const packets = ctx.recorder.outData;
      ctx.recorder.outData = null;
      if (outsOf(exchangesOf(ctx.recorder.transfers)) !== key) continue;
      let at = 0;
      requests = pattern.map(([outs]) => {
        const frame = Buffer.concat(packets.slice(at, at + outs));
        at += outs;
        return new Uint8Array(frame);
      });
    }
    check(requests.length > 0, 'no driver run with the requests of the most frequent shape to take them from');
    // The raw floor: the same exchanges as 64-byte transfers on the same device, answered at once,
    // through the same recording wrapper as the driver's.
    const dev = ctx.recorder;
    const replay = async () => {
      for (const [outs, ins] of pattern) {
        for (let o = 0; o < outs; o++)
          await dev.transferOut(WAND_USB.endpointOut, new Uint8Array(PACKET).fill(o === outs - 1 ? ins : 0));
        for (let i = 0; i < ins; i++) await dev.transferIn(WAND_USB.endpointIn, PACKET);
      }
    };
    // The raw floor on the same device: the driver's own request frames (a fresh transaction id
    // in each run, so the pump does the same work as for the driver), sent as raw 64-byte
    // packets to the simulated wand, and its answers read as raw packets up to each frame's
    // length, nothing decoded or checked. The device side's answer time is in both this and the
    // driver's run; what differs is the host: the driver's encoding, decoding and checks.
    const prepared = () => {
      const fresh = new Map<string, Uint8Array>();
      return requests.map((bytes) => {
        const frame = decodeFrame(bytes);
        check(frame.ok, 'a recorded request is not a frame');
        const m = decodeMessage(frame.frame.type, frame.frame.payload);
        check(m.ok, 'a recorded request is not a message');
        if (!('txId' in m.message)) return packetize(bytes);
        const old = Buffer.from(m.message.txId).toString('hex');
        const txId = fresh.get(old) ?? uuidToBytes(randomUUID());
        fresh.set(old, txId);
        const e = encodeMessage({ ...m.message, txId });
        return packetize(encodeFrame({ seq: frame.frame.seq, ...e }));
      });
    };
    // `readFirst`: the answer's first read is submitted before the request is sent (pending while
    // the wand computes), as the driver does; otherwise only after the request's last packet.
    const sameDevice = async (frames: Uint8Array[][], readFirst = false) => {
      for (const packets of frames) {
        let first = readFirst ? dev.transferIn(WAND_USB.endpointIn, PACKET, 5000) : null;
        first?.catch(() => undefined); // awaited below; a send failing first must not leave it unhandled
        for (const p of packets) await dev.transferOut(WAND_USB.endpointOut, p, 5000);
        let have = 0;
        let need = Number.POSITIVE_INFINITY;
        for (let reads = 0; have < need; reads++) {
          check(reads < 40, `no whole answer in 40 reads (${have} bytes)`);
          const r = await (first ?? dev.transferIn(WAND_USB.endpointIn, PACKET, 5000));
          first = null;
          const d = r.data;
          if (d === undefined) continue;
          // The frame's length field (bytes 3 and 4) from its first packet.
          if (have === 0 && d.byteLength >= 5) need = HEADER_BYTES + d.getUint16(3, true) + TRAILER_BYTES;
          have += d.byteLength;
        }
      }
    };
    await ctx.bridge.mode('wand');
    await sameDevice(prepared()); // warm-up
    emit('INFO', { figure: name, step: 'same-device floor warmed up' });
    await ctx.bridge.mode('echo');
    await replay(); // warm-up
    const runs: Array<{
      driver: number;
      driverHost: number;
      simulator: number;
      answer: number;
      floor: number;
      floorHost: number;
      echoAnswer: number;
      same: number;
      sameHost: number;
      sameAnswer: number;
      sameSimulator: number;
      sameReadFirst: number;
      sameReadFirstHost: number;
      sameReadFirstAnswer: number;
    }> = [];
    let otherShapes = 0;
    emit('INFO', { figure: name, step: 'echo floor warmed up; the runs' });
    for (let i = 0; i < N; i++) {
      if (i % 7 === 0) emit('INFO', { figure: name, run: i });
      await ctx.bridge.mode('wand');
      await ctx.bridge.stats();
      ctx.recorder.transfers = [];
      ctx.recorder.spans = [];
      const t0 = performance.now();
      await op();
      const t1 = performance.now();
      const driverHost = hostTime(ctx.recorder.spans, t0, t1);
      ctx.recorder.spans = null;
      if (JSON.stringify(exchangesOf(ctx.recorder.transfers)) !== JSON.stringify(pattern)) otherShapes++;
      const device = await ctx.bridge.stats();
      await ctx.bridge.mode('echo');
      const floorSpans: Array<[number, number]> = [];
      ctx.recorder.spans = floorSpans;
      await ctx.bridge.stats();
      const f0 = performance.now();
      await replay();
      const f1 = performance.now();
      ctx.recorder.spans = null;
      const echo = await ctx.bridge.stats();
      await ctx.bridge.mode('wand');
      // The same-device floor in both orders (read after the request, read submitted first), in
      // alternating order from run to run.
      const sameRun = async (readFirst: boolean) => {
        const frames = prepared();
        const spans: Array<[number, number]> = [];
        ctx.recorder.spans = spans;
        await ctx.bridge.stats();
        const s0 = performance.now();
        await sameDevice(frames, readFirst);
        const s1 = performance.now();
        ctx.recorder.spans = null;
        const stats = await ctx.bridge.stats();
        return { ms: s1 - s0, host: hostTime(spans, s0, s1), stats };
      };
      const [after, first] =
        i % 2 === 0
          ? [await sameRun(false), await sameRun(true)]
          : await sameRun(true).then(async (f) => [await sameRun(false), f] as const);
      const sameStats = after.stats;
      runs.push({
        same: after.ms,
        sameHost: after.host,
        sameAnswer: sameStats.answerMs,
        sameSimulator: sameStats.busyMs,
        sameReadFirst: first.ms,
        sameReadFirstHost: first.host,
        sameReadFirstAnswer: first.stats.answerMs,
        driver: t1 - t0,
        driverHost,
        simulator: device.busyMs,
        answer: device.answerMs,
        floor: f1 - f0,
        floorHost: hostTime(floorSpans, f0, f1),
        echoAnswer: echo.answerMs,
      });
    }
    // One more run of each, traced (every transfer's submission and completion), for the console log.
    await ctx.bridge.mode('wand');
    ctx.recorder.trace = { t0: performance.now(), lines: [] };
    await op();
    const driverTrace = ctx.recorder.trace.lines;
    await ctx.bridge.mode('echo');
    ctx.recorder.trace = { t0: performance.now(), lines: [] };
    await replay();
    const floorTrace = ctx.recorder.trace.lines;
    ctx.recorder.trace = null;
    emit('INFO', { figure: name, driverTrace, floorTrace });
    await ctx.bridge.mode('wand');
    const pairs = pattern.reduce((n, [o, i]) => n + Math.max(o, i), 0);
    const m = (f: (r: (typeof runs)[number]) => number, digits = 2) => +median(runs.map(f)).toFixed(digits);
    const row = {
      operation: name,
      exchanges: pattern.length,
      packets: pattern.map(([o, i]) => `${o}+${i}`).join(' '),
      driverMs: m((r) => r.driver),
      simulatorMs: m((r) => r.simulator),
      driverHostMs: m((r) => r.driverHost),
      driverComputeMs: +compute.warmMs.toFixed(2),
      driverComputeColdMs: +compute.coldMs.toFixed(2),
      warmups,
      floorMs: m((r) => r.floor),
      floorHostMs: m((r) => r.floorHost),
      ratio: m((r) => r.driver / r.floor),
      ratioWithoutSimulator: m((r) => (r.driver - r.simulator) / r.floor),
      deviceAnswerMs: m((r) => r.answer),
      echoAnswerMs: m((r) => r.echoAnswer),
      ratioWithoutDevice: m((r) => (r.driver - r.answer) / (r.floor - r.echoAnswer)),
      sameDeviceFloorMs: m((r) => r.same),
      sameDeviceFloorHostMs: m((r) => r.sameHost),
      sameDeviceAnswerMs: m((r) => r.sameAnswer),
      sameDeviceSimulatorMs: m((r) => r.sameSimulator),
      ratioSameDevice: m((r) => r.driver / r.same),
      sameDeviceReadFirstMs: m((r) => r.sameReadFirst),
      sameDeviceReadFirstHostMs: m((r) => r.sameReadFirstHost),
      sameDeviceReadFirstAnswerMs: m((r) => r.sameReadFirstAnswer),
      readFirstOverAfter: m((r) => r.sameReadFirst / r.same),
      ratioSameDeviceReadFirst: m((r) => r.driver / r.sameReadFirst),
      pairs,
      perPairMs: m((r) => r.floor / pairs),
      runs: N,
      otherShapes,
    };
    emit('FIGURE', row);
    rows.push(row);
  };
  await runCase('benchmarks: driver beside the raw transfer floor', async () => {
    const status = await must(ctx.link.interrogate(), 'interrogate');
    const settings = runningProgram(status);
    await measureOp(
      'interrogation (READ_STATUS)',
      async (link) => {
        await must(link.interrogate(), 'interrogate');
      },
      300,
    );
    await measureOp(
      'program + read-back (BEGIN_TX, STAGE_PROGRAM, COMMIT, READ_STATUS)',
      async (link) => {
        const write = writeOf(settings);
        const r = await must(link.program(write), 'program');
        check(r.applied, 'not applied');
        const back = await must(link.interrogate(), 'read-back');
        check(compareReadBack(write, back).length === 0, 'read-back differs');
      },
      100,
    );
    return { figures: rows };
  });
}
