// The kernel bench's SET_CLOCK cases: the pump clock and the clinic's UTC offset, and their bounds.
import { WAND_USB, type UsbDeviceLike } from '../../drivers/usb/types';
import { decodeFrame, encodeFrame, frameLength, packetize } from '../../drivers/protocol/frame';
import { decodeMessage, MessageType, WandErrorCode } from '../../drivers/protocol/messages';
import { PACKET } from './gadget';
import { type Json, check } from './bench-support';
import { type Context, runCase, must } from './case-runner';

/** Seconds since 2000-01-01T00:00:00Z, as the wire's u32 clock. */
export const wireSeconds = (d: Date) => Math.floor((d.getTime() - Date.UTC(2000, 0, 1)) / 1000);

/**
 * Sends one raw request frame on the wand's endpoints (bypassing the driver's checks) and reads
 * its answer frame, packet by packet.
 */
export async function rawExchange(dev: UsbDeviceLike, seq: number, type: number, payload: Uint8Array) {
  for (const packet of packetize(encodeFrame({ seq, type, payload })))
    await dev.transferOut(WAND_USB.endpointOut, packet, 1000);
  let bytes = new Uint8Array(0);
  for (;;) {
    const need = frameLength(bytes);
    if (typeof need === 'number' && bytes.length >= need) break;
    check(typeof need !== 'object', `the answer does not start a frame: ${JSON.stringify(need)}`);
    const r = await dev.transferIn(WAND_USB.endpointIn, PACKET, 1000);
    const d = r.data;
    check(d !== undefined && d.byteLength > 0, 'an empty IN transfer');
    const next = new Uint8Array(bytes.length + d.byteLength);
    next.set(bytes);
    next.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), bytes.length);
    bytes = next;
  }
  const frame = decodeFrame(bytes);
  check(frame.ok, `the answer is not a frame: ${frame.ok ? '' : frame.error.kind}`);
  const message = decodeMessage(frame.frame.type, frame.frame.payload);
  check(message.ok, 'the answer is not a message');
  return { seq: frame.frame.seq, message: message.message };
}

export async function clockCases(ctx: Context): Promise<void> {
  await runCase('SET_CLOCK: the pump clock and the clinic UTC offset (v2), read back in STATUS', async () => {
    const before = await must(ctx.link.interrogate(), 'interrogate');
    // The simulated pump's clock runs 47 s ahead until it is set.
    check(before.pumpTime !== null, 'the pump reported no clock before it was set');
    const aheadMs = Date.parse(before.pumpTime) - Date.now();
    check(Math.abs(aheadMs) > 20_000, `the pump clock was already right (${aheadMs} ms) before it was set`);
    const sets: Json[] = [];
    // Shanghai (+8:00), then New York in summer (−4:00): the offset read back is the one sent.
    for (const utcOffsetMinutes of [480, -240]) {
      const time = new Date();
      await must(ctx.link.setClock({ time, utcOffsetMinutes }), `setClock ${utcOffsetMinutes}`);
      const back = await must(ctx.link.interrogate(), 'read-back');
      const pump = await ctx.bridge.pump();
      check(back.pumpTime !== null, 'the pump reported no clock after it was set');
      const offByMs = Date.parse(back.pumpTime) - Date.now();
      // STATUS carries whole seconds; the exchanges take well under a second.
      check(Math.abs(offByMs) <= 2000, `the pump clock read back is ${offByMs} ms off after the set`);
      check(
        back.utcOffsetMinutes === utcOffsetMinutes,
        `STATUS reports a UTC offset of ${back.utcOffsetMinutes}, ${utcOffsetMinutes} was set`,
      );
      check(pump.utcOffsetMinutes === utcOffsetMinutes, `the pump holds ${pump.utcOffsetMinutes}`);
      sets.push({ sent: time.toISOString(), utcOffsetMinutes, readBack: back.pumpTime, offByMs });
    }
    const events = await must(ctx.link.readEvents(), 'readEvents');
    check(events.at(-1)?.code === 'CLOCK_SET', `the last event is ${events.at(-1)?.code ?? 'none'}, not CLOCK_SET`);
    return { aheadBeforeMs: aheadMs, sets };
  });

  await runCase('SET_CLOCK out of range: refused before anything is sent, and by the wand on the wire', async () => {
    await must(ctx.link.interrogate(), 'interrogate');
    const pump0 = await ctx.bridge.pump();
    const refusals: Array<{ time: Date; utcOffsetMinutes: number; field: string }> = [
      { time: new Date('1999-12-31T23:59:59Z'), utcOffsetMinutes: 480, field: 'time' },
      { time: new Date('2136-02-07T06:28:16Z'), utcOffsetMinutes: 480, field: 'time' },
      { time: new Date(Number.NaN), utcOffsetMinutes: 480, field: 'time' },
      { time: new Date(), utcOffsetMinutes: 841, field: 'utcOffsetMinutes' },
      { time: new Date(), utcOffsetMinutes: -721, field: 'utcOffsetMinutes' },
      { time: new Date(), utcOffsetMinutes: 480.5, field: 'utcOffsetMinutes' },
    ];
    const told: string[] = [];
    for (const r of refusals) {
      const x = await ctx.link.setClock({ time: r.time, utcOffsetMinutes: r.utcOffsetMinutes });
      check(
        !x.ok && x.error.code === 'OUT_OF_RANGE' && x.error.field === r.field,
        `setClock(${String(r.time)}, ${r.utcOffsetMinutes}) gave ${JSON.stringify(x)}`,
      );
      told.push(x.error.message);
    }
    const pump1 = await ctx.bridge.pump();
    check(pump1.requests === pump0.requests, `${pump1.requests - pump0.requests} requests reached the wand`);
    // The wand refuses an offset outside −720…+840 sent on the wire (the driver would never send it):
    // ERROR 3 with the request's sequence, the pump unchanged.
    const payload = new Uint8Array(6);
    const view = new DataView(payload.buffer);
    view.setUint32(0, wireSeconds(new Date()), true);
    view.setInt16(4, 900, true);
    const answer = await rawExchange(ctx.recorder, 0x42, MessageType.SET_CLOCK, payload);
    check(
      answer.seq === 0x42 && answer.message.type === 'ERROR' && answer.message.code === WandErrorCode.BAD_REQUEST,
      `the wand answered ${JSON.stringify(answer)}`,
    );
    const pump2 = await ctx.bridge.pump();
    check(pump2.utcOffsetMinutes === pump0.utcOffsetMinutes, `the pump's offset became ${pump2.utcOffsetMinutes}`);
    check(
      Math.abs(Date.parse(pump2.pumpTime) - Date.parse(pump0.pumpTime)) < 10_000,
      `the pump clock moved from ${pump0.pumpTime} to ${pump2.pumpTime}`,
    );
    // The driver goes on after the raw exchange.
    const s = await must(ctx.link.interrogate(), 'interrogate after');
    check(s.utcOffsetMinutes === pump0.utcOffsetMinutes, `STATUS reports ${s.utcOffsetMinutes}`);
    return { told, wand: answer.message };
  });
}
