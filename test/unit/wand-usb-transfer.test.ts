// The reference wand's bulk OUT side (docs/wand-protocol.md, Framing, "Receiving a request"):
// every whole frame a transfer holds is served, bytes after a frame begin the next, and bytes left
// after a frame that cannot begin one are dropped at once, not held until the next packet.
import { describe, expect, it } from 'vitest';
import { encodeFrame, PACKET_BYTES } from '../../drivers/protocol/frame';
import { MESSAGE_VERSION } from '../../drivers/protocol/messages';
import { PARTIAL_FRAME_LIMIT_MS } from '../../drivers/simulator/usb-device';
import { frameOf, usbRig } from './wand-usb-rig';

const rig = () => usbRig(300);

const joined = (...parts: Uint8Array[]): Uint8Array => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
};

describe('the reference wand reads every frame of a bulk OUT transfer', () => {
  it('two whole frames in one transfer: both answered, in order, with their numbers', async () => {
    const { device, wire, out } = rig();
    await wire.open();
    await out(joined(frameOf({ type: 'HELLO', version: MESSAGE_VERSION }, 1), frameOf({ type: 'READ_STATUS' }, 2)));
    expect(device.requests).toBe(2);
    const a = await wire.receive('framing');
    expect(a.seq).toBe(1);
    expect(a.message.type).toBe('HELLO_ACK');
    const b = await wire.receive('framing');
    expect(b.seq).toBe(2);
    expect(b.message.type).toBe('STATUS');
    await wire.close();
  });

  it('three frames and the start of a fourth in one transfer: three answered, the fourth completed by the next packet', async () => {
    const { device, wire, out } = rig();
    await wire.open();
    const fourth = frameOf({ type: 'READ_EVENTS', page: 0 }, 4);
    await out(
      joined(
        frameOf({ type: 'HELLO', version: MESSAGE_VERSION }, 1),
        frameOf({ type: 'FIND_PUMP' }, 2),
        frameOf({ type: 'READ_STATUS' }, 3),
        fourth.slice(0, 6),
      ),
    );
    expect(device.requests).toBe(3);
    await out(fourth.slice(6));
    expect(device.requests).toBe(4);
    const seqs: number[] = [];
    for (let i = 0; i < 4; i++) seqs.push((await wire.receive('framing')).seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
    await wire.close();
  });

  it('a tail that cannot begin a frame is dropped at once: the next packet, within the limit, is read whole', async () => {
    const { device, wire, out, pass } = rig();
    await wire.open();
    await wire.ask('framing', { type: 'HELLO', version: MESSAGE_VERSION });
    // The first packet of a 69-byte frame (5 bytes short), then a repeat sent at once: its first 5
    // bytes complete the part (bad CRC: ERROR 3 numbered 0), the other 5 do not begin A5 5A.
    const long = encodeFrame({ seq: 9, type: 0x01, payload: new Uint8Array(60).fill(0x02) });
    await out(long.slice(0, PACKET_BYTES));
    pass(1);
    await out(frameOf({ type: 'HELLO', version: MESSAGE_VERSION }, 10));
    const bad = await wire.receive('framing');
    expect(bad.seq).toBe(0);
    expect(bad.message).toMatchObject({ type: 'ERROR', code: 3 });
    // Well within the limit: nothing held any more, so this frame is read whole and answered.
    pass(1);
    await out(frameOf({ type: 'READ_STATUS' }, 11));
    expect(device.requests).toBe(3);
    const status = await wire.receive('framing');
    expect(status.seq).toBe(11);
    expect(status.message.type).toBe('STATUS');
    expect(PARTIAL_FRAME_LIMIT_MS).toBeGreaterThan(2);
    await wire.close();
  });

  it('a tail after a frame in the same transfer announcing L > 1024 is dropped at once, the frame served', async () => {
    const { device, wire, out } = rig();
    await wire.open();
    const oversize = Uint8Array.from([0xa5, 0x5a, 0x01, 0x01, 0x04, 0x07, 0x10]); // L = 1025
    await out(joined(frameOf({ type: 'HELLO', version: MESSAGE_VERSION }, 1), oversize));
    await out(frameOf({ type: 'READ_STATUS' }, 2));
    expect(device.requests).toBe(2);
    expect((await wire.receive('framing')).seq).toBe(1);
    const b = await wire.receive('framing');
    expect(b.seq).toBe(2);
    expect(b.message.type).toBe('STATUS');
    await wire.close();
  });
});
