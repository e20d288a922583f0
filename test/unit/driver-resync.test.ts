// The tail of an earlier answer that reaches the host after the drain before the next request (a
// wand answering just past the deadline: the kernel bench saw it under load) is not the next
// answer's start: it is dropped and the answer read within the same attempt.
import { describe, expect, it } from 'vitest';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import type { UsbDeviceLike } from '../../drivers/usb/types';
import { WandLink } from '../../drivers/wand-link';
import { manualClock } from './helpers';

/** The simulated device, putting `tail` on the IN endpoint right after the next request is written (before its answer). */
function lateTailDevice() {
  const clock = manualClock();
  const inner = new SimulatedUsbDevice(
    new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)),
    5,
  );
  const state = { tail: null as Uint8Array | null };
  const device: UsbDeviceLike = {
    vendorId: inner.vendorId,
    productId: inner.productId,
    get opened() {
      return inner.opened;
    },
    open: () => inner.open(),
    close: () => inner.close(),
    selectConfiguration: () => inner.selectConfiguration(),
    claimInterface: () => inner.claimInterface(),
    releaseInterface: () => inner.releaseInterface(),
    clearHalt: () => inner.clearHalt(),
    transferIn: (n, length) => inner.transferIn(n, length),
    async transferOut(n, data) {
      const r = await inner.transferOut(n, data);
      if (state.tail !== null) {
        (inner as unknown as { deliver(p: Uint8Array): void }).deliver(state.tail);
        state.tail = null;
      }
      return r;
    },
  };
  return { device, state };
}

describe('input that does not start a frame, after the drain', () => {
  for (const [name, tail] of [
    ['the second packet of an earlier STATUS', Uint8Array.from({ length: 35 }, (_v, i) => (i * 7 + 0x3e) & 0x7f)],
    ['bytes ending in a lone sync byte', Uint8Array.from([0x01, 0x02, 0xa5])],
    ['a sync pair inside it', Uint8Array.from([0x10, 0xa5, 0x5a, 0x01])],
  ] as const) {
    it(`${name}: dropped, and the answer is read in the same attempt`, async () => {
      const { device, state } = lateTailDevice();
      // One attempt only: the tail must not cost it.
      const link = new WandLink(device, { timeoutMs: 300, retries: 0 });
      expect(await link.interrogate()).toMatchObject({ ok: true });
      state.tail = tail;
      const r = await link.interrogate();
      expect(r).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
      expect(state.tail).toBeNull();
    });
  }

  it('a damaged answer is still refused (its CRC), not taken', async () => {
    const clock = manualClock();
    const inner = new SimulatedUsbDevice(
      new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)),
    );
    const link = new WandLink(inner, { timeoutMs: 100, retries: 0 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    inner.inject({ kind: 'corrupt-response' });
    expect(await link.interrogate()).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/BAD_CRC/) as unknown },
    });
  });
});
