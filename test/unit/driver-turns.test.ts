// The transport turns the event loop once per packet it reads while an answer is not whole (so a
// wand that answers at once cannot starve it), but not between an answer's last packet and the
// caller: a turn there only delays the next request.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { encodeMessage } from '../../drivers/protocol/messages';
import { WandTransport } from '../../drivers/usb/transport';
import { manualClock } from './helpers';

function transport() {
  const clock = manualClock();
  const device = new SimulatedUsbDevice(
    new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)),
  );
  return new WandTransport(device);
}

describe('turns of the event loop per exchange', () => {
  afterEach(() => vi.restoreAllMocks());

  it('none after a one-packet answer; one per packet before the last of a longer one', async () => {
    const t = transport();
    expect(await t.open()).toEqual({ ok: true });
    const turns = vi.spyOn(globalThis, 'setImmediate');
    const hello = encodeMessage({ type: 'HELLO', version: 2 });
    const one = await t.exchange(hello.type, hello.payload);
    expect(one.ok).toBe(true);
    expect(one.ok && one.bytesIn.length <= 64).toBe(true);
    expect(turns).toHaveBeenCalledTimes(0);

    const find = encodeMessage({ type: 'FIND_PUMP' });
    expect((await t.exchange(find.type, find.payload)).ok).toBe(true);
    const session = encodeMessage({ type: 'OPEN_SESSION', sessionId: new Uint8Array(16).fill(7) });
    expect((await t.exchange(session.type, session.payload)).ok).toBe(true);
    turns.mockClear();
    const status = encodeMessage({ type: 'READ_STATUS' });
    const two = await t.exchange(status.type, status.payload);
    expect(two.ok && two.bytesIn.length > 64).toBe(true);
    expect(turns).toHaveBeenCalledTimes(1);
    await t.close();
  });
});
