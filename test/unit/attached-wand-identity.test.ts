// K6: node-usb hands out a new device object at every getDevices() call, so the link worker's wand
// (drivers/usb/attached-wand.ts) must know a device by its identity on the bus, not by its object;
// and a claim refused BUSY right after this process let the wand go is its own, still being released.
import { describe, expect, it } from 'vitest';
import type { ProgramWrite } from '../../core/pump';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { AttachedWandLink, sameDevice, type UsbBus } from '../../drivers/usb/attached-wand';
import { WandLink } from '../../drivers/wand-link';
import { NodeUsbLikeDevice } from './driver-fakes-node-usb';
import { manualClock } from './helpers';

type Device = NodeUsbLikeDevice & { readonly handle: string };

/** A new object for the same device, as node-usb's getDevices() returns at each call. */
function objectFor(device: NodeUsbLikeDevice, handle: string): Device {
  return new Proxy(device, {
    get(target, prop) {
      if (prop === 'handle') return handle;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Device;
}

/** A bus as node-usb's WebUSB in a worker thread: new objects at every listing, no events. */
class NodeUsbBus implements UsbBus<Device> {
  attached: { device: NodeUsbLikeDevice; handle: string } | null = null;
  listings = 0;
  getDevices(): Promise<Device[]> {
    this.listings++;
    return Promise.resolve(this.attached === null ? [] : [objectFor(this.attached.device, this.attached.handle)]);
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}

function setup() {
  const clock = manualClock();
  const wand = new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now));
  const bus = new NodeUsbBus();
  const opens: Array<{ handle: string; busyRetryMs: number }> = [];
  const link = new AttachedWandLink(bus, (device, { busyRetryMs }) => {
    opens.push({ handle: device.handle, busyRetryMs });
    return new WandLink(device, { kind: 'usb', timeoutMs: 100, busyRetryMs });
  });
  return { wand, bus, link, opens };
}

const write = (transactionId: string): ProgramWrite => ({
  sessionId: 's',
  transactionId,
  settings: {
    drug: 'morphine',
    concentration: { value: '10', unit: 'mg/mL' },
    mode: 'continuous',
    rate: { value: '0.3', unit: 'mL/day' },
  },
});

describe('the same wand, another object (K6)', () => {
  it('compares devices by their bus identity', () => {
    const clock = manualClock();
    const d = new NodeUsbLikeDevice(new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)));
    expect(sameDevice(objectFor(d, 'DeviceId(1, 2)'), objectFor(d, 'DeviceId(1, 2)'))).toBe(true);
    expect(sameDevice(objectFor(d, 'DeviceId(1, 2)'), objectFor(d, 'DeviceId(1, 3)'))).toBe(false);
    expect(sameDevice({ bus: '1', address: 2 }, { bus: '1', address: 2 })).toBe(true);
    expect(sameDevice({ bus: '1', address: 2 }, { bus: '1', address: 4 })).toBe(false);
    // No identity: only the object itself.
    expect(sameDevice({}, {})).toBe(false);
  });

  it('keeps one link across requests although each listing is a new object; a replug opens the new device', async () => {
    const { wand, bus, link, opens } = setup();
    const device = new NodeUsbLikeDevice(wand);
    bus.attached = { device, handle: 'DeviceId(1, 2)' };
    expect(await link.interrogate()).toMatchObject({ ok: true });
    expect(await link.program(write('7b0c9a51-5f0e-4d7e-9b8a-0d4f3e2c1b5a'))).toMatchObject({
      ok: true,
      value: { applied: true },
    });
    expect(await link.interrogate()).toMatchObject({
      ok: true,
      value: { lastTransactionId: '7b0c9a51-5f0e-4d7e-9b8a-0d4f3e2c1b5a' },
    });
    expect(bus.listings).toBe(3);
    expect(opens).toEqual([{ handle: 'DeviceId(1, 2)', busyRetryMs: 0 }]);
    expect(device.log.filter((c) => c === 'open' || c === 'claimInterface')).toEqual(['open', 'claimInterface']);

    // Replugged: another address, another device; the old link is closed first, and the new one
    // may retry a claim refused BUSY (this process's own claim, still being released).
    device.unplug();
    const replugged = new NodeUsbLikeDevice(wand);
    bus.attached = { device: replugged, handle: 'DeviceId(1, 3)' };
    expect(await link.interrogate()).toMatchObject({ ok: true });
    expect(opens.map((o) => o.handle)).toEqual(['DeviceId(1, 2)', 'DeviceId(1, 3)']);
    expect(opens[1]?.busyRetryMs).toBeGreaterThan(0);
    await link.close();
  });
});

describe('a claim refused BUSY right after this process let the wand go', () => {
  const heldFor = (device: NodeUsbLikeDevice, ms: number) => {
    device.claimByOtherProcess();
    setTimeout(() => ((device as unknown as { kernelClaim: unknown }).kernelClaim = null), ms);
  };

  it('is tried again within busyRetryMs, and the request goes through', async () => {
    const { wand } = setup();
    const device = new NodeUsbLikeDevice(wand);
    heldFor(device, 250);
    const link = new WandLink(device, { kind: 'usb', timeoutMs: 100, busyRetryMs: 1_000 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    expect(device.log.filter((c) => c === 'claimInterface').length).toBeGreaterThan(1);
    await link.close();
  });

  it('without it (or past it) is "Another program is using the wand"', async () => {
    const { wand } = setup();
    for (const busyRetryMs of [0, 200]) {
      const device = new NodeUsbLikeDevice(wand);
      heldFor(device, 2_000);
      const link = new WandLink(device, { kind: 'usb', timeoutMs: 100, busyRetryMs });
      const started = Date.now();
      const r = await link.interrogate();
      expect(r).toMatchObject({
        ok: false,
        error: { message: expect.stringContaining('Another program is using the wand') as unknown },
      });
      expect(Date.now() - started).toBeLessThan(1_500);
      await link.close();
    }
  });
});
