// W13 (docs/wand-protocol.md, Framing): a wand drops the part of a frame it holds when the next
// bulk OUT packet comes more than PARTIAL_FRAME_LIMIT_MS after the one before. The device's clock
// is injected, so the limit and its edges (200 and 201 ms) are checked without waiting; the
// conformance suite checks the same rule on any device in real time (cases-exchanges.ts).
import { describe, expect, it } from 'vitest';
import { encodeFrame, PACKET_BYTES } from '../../drivers/protocol/frame';
import { MESSAGE_VERSION } from '../../drivers/protocol/messages';
import { PARTIAL_FRAME_LIMIT_MS } from '../../drivers/simulator/usb-device';
import { WandLink } from '../../drivers/wand-link';
import { frameOf, usbRig } from './wand-usb-rig';

const rig = () => usbRig(500);

/** A request frame of more than one packet: HELLO's header with a payload of `length` bytes (it does not decode: ERROR 3 with its number). */
const longFrame = (seq: number, length: number): Uint8Array =>
  encodeFrame({ seq, type: 0x01, payload: new Uint8Array(length).fill(0x02) });

describe('W13: a frame begun but not finished', () => {
  it(`dropped when the next packet comes more than ${PARTIAL_FRAME_LIMIT_MS} ms later: a whole frame then is answered, no ERROR 3`, async () => {
    const { wire, out, pass } = rig();
    await wire.open();
    // The first packet of a 69-byte frame: 5 bytes short. Without the limit, the next frame's
    // first 5 bytes would complete it (CRC fails: ERROR 3 numbered 0).
    await out(longFrame(9, 60).slice(0, PACKET_BYTES));
    pass(PARTIAL_FRAME_LIMIT_MS + 1);
    const a = await wire.ask('W13', { type: 'HELLO', version: MESSAGE_VERSION });
    expect(a.message).toMatchObject({ type: 'HELLO_ACK', version: MESSAGE_VERSION });
    // And the wand goes on answering in step: nothing of either frame is left over.
    const b = await wire.ask('W13', { type: 'READ_STATUS' });
    expect(b.message.type).toBe('STATUS');
    await wire.close();
  });

  it(`kept up to ${PARTIAL_FRAME_LIMIT_MS} ms: the continuation completes the frame as before`, async () => {
    const { wire, out, pass } = rig();
    await wire.open();
    await wire.ask('W13', { type: 'HELLO', version: MESSAGE_VERSION });
    const frame = frameOf({ type: 'READ_EVENTS', page: 0 }, 40);
    const long = longFrame(41, 200);
    // A frame of 4 packets, each PARTIAL_FRAME_LIMIT_MS after the one before.
    for (let i = 0; i < long.length; i += PACKET_BYTES) {
      if (i > 0) pass(PARTIAL_FRAME_LIMIT_MS);
      await out(long.slice(i, i + PACKET_BYTES));
    }
    const first = await wire.receive('W13');
    expect(first.seq).toBe(41);
    expect(first.message).toMatchObject({ type: 'ERROR', code: 3 });
    // A short frame split across two packets, the second just within the limit.
    await out(frame.slice(0, 4));
    pass(PARTIAL_FRAME_LIMIT_MS);
    await out(frame.slice(4));
    const second = await wire.receive('W13');
    expect(second.seq).toBe(40);
    expect(second.message).toMatchObject({ type: 'EVENTS', page: 0 });
    await wire.close();
  });

  it('before the limit, the next frame still completes the partial one (ERROR 3 numbered 0): the limit is what recovers', async () => {
    const { wire, out, pass } = rig();
    await wire.open();
    await out(longFrame(9, 60).slice(0, PACKET_BYTES));
    pass(PARTIAL_FRAME_LIMIT_MS - 1);
    await out(frameOf({ type: 'HELLO', version: MESSAGE_VERSION }, 10));
    const a = await wire.receive('W13');
    expect(a.seq).toBe(0);
    expect(a.message).toMatchObject({ type: 'ERROR', code: 3 });
    await wire.close();
  });

  it('the driver, after a request cut short and the limit passed, is answered at its first attempt', async () => {
    const { device, out, pass } = rig();
    const link = new WandLink(device, { timeoutMs: 300, retries: 0 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    await out(longFrame(200, 100).slice(0, PACKET_BYTES));
    pass(PARTIAL_FRAME_LIMIT_MS + 1);
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
  });
});

describe('W13: what the timer counts', () => {
  it('a zero-length packet is ignored: it does not restart the timer, so the part is still dropped', async () => {
    const { device, wire, out, pass } = rig();
    await wire.open();
    const long = longFrame(9, 60);
    await out(long.slice(0, PACKET_BYTES));
    pass(150);
    await out(new Uint8Array(0));
    pass(150); // 300 ms after the last packet the wand accepted
    await out(long.slice(PACKET_BYTES)); // read as the start of a frame: not A5 5A, discarded
    expect(device.requests).toBe(0);
    const a = await wire.ask('W13', { type: 'HELLO', version: MESSAGE_VERSION });
    expect(a.message).toMatchObject({ type: 'HELLO_ACK' });
    expect(device.requests).toBe(1);
    await wire.close();
  });

  it('a zero-length packet within the limit neither ends nor continues the frame', async () => {
    const { device, wire, out, pass } = rig();
    await wire.open();
    const long = longFrame(9, 60);
    await out(long.slice(0, PACKET_BYTES));
    pass(PARTIAL_FRAME_LIMIT_MS);
    await out(new Uint8Array(0));
    await out(long.slice(PACKET_BYTES));
    expect(device.requests).toBe(1);
    const a = await wire.receive('W13');
    expect(a.seq).toBe(9);
    expect(a.message).toMatchObject({ type: 'ERROR', code: 3 });
    await wire.close();
  });

  it('SET_CONFIGURATION clears the bytes held: the next frame is read whole, within the limit', async () => {
    const { device, wire, out, pass } = rig();
    await wire.open();
    await out(longFrame(9, 60).slice(0, PACKET_BYTES));
    pass(1);
    await device.selectConfiguration();
    const a = await wire.ask('W13', { type: 'HELLO', version: MESSAGE_VERSION });
    expect(a.message).toMatchObject({ type: 'HELLO_ACK' });
    await wire.close();
  });
});
