// The link worker's wand (drivers/usb/attached-wand.ts) on a bus of node-usb-like devices: a
// replugged wand is a new device object, found again by the next request.
import { describe, expect, it } from 'vitest';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { AttachedWandLink, type UsbBus } from '../../drivers/usb/attached-wand';
import { WandLink } from '../../drivers/wand-link';
import { NodeUsbLikeDevice } from './driver-fakes-node-usb';
import { manualClock } from './helpers';

type Listener = (event: { device: NodeUsbLikeDevice }) => void;

/** A USB bus as node-usb's WebUSB shows it: the devices attached now, and connect / disconnect events. */
class FakeBus implements UsbBus<NodeUsbLikeDevice> {
  devices: NodeUsbLikeDevice[] = [];
  private readonly listeners = { connect: new Set<Listener>(), disconnect: new Set<Listener>() };
  /** Whether plugs and unplugs are announced by events (node-usb does not deliver them to every thread). */
  announce = true;

  constructor(private readonly wand: SimulatedWand) {}

  getDevices(): Promise<NodeUsbLikeDevice[]> {
    return Promise.resolve([...this.devices]);
  }
  addEventListener(type: 'connect' | 'disconnect', l: Listener): void {
    this.listeners[type].add(l);
  }
  removeEventListener(type: 'connect' | 'disconnect', l: Listener): void {
    this.listeners[type].delete(l);
  }
  listening(): number {
    return this.listeners.connect.size + this.listeners.disconnect.size;
  }

  plug(): NodeUsbLikeDevice {
    // Each connection is a new device object, as WebUSB hands out.
    const device = new NodeUsbLikeDevice(this.wand);
    this.devices.push(device);
    if (this.announce) for (const l of this.listeners.connect) l({ device });
    return device;
  }

  unplug(): void {
    const gone = this.devices.splice(0);
    for (const device of gone) {
      device.unplug();
      if (this.announce) for (const l of this.listeners.disconnect) l({ device });
    }
  }
}

function setup() {
  const clock = manualClock();
  const pump = new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now);
  const bus = new FakeBus(new SimulatedWand(pump));
  const opened: NodeUsbLikeDevice[] = [];
  let unplugEvents = 0;
  const link = new AttachedWandLink(
    bus,
    (device) => {
      opened.push(device);
      return new WandLink(device, { kind: 'usb', timeoutMs: 100 });
    },
    () => unplugEvents++,
  );
  return { bus, link, opened, unplugs: () => unplugEvents, pump };
}

describe('the worker keeps a replugged wand', () => {
  for (const announce of [true, false]) {
    it(`after an unplug and a replug (${announce ? 'with' : 'without'} a disconnect event) the next interrogation opens the new device`, async () => {
      const { bus, link, opened, unplugs } = setup();
      bus.announce = announce;
      const first = bus.plug();
      expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
      expect(link.wandStatus().state).toBe('pump-found');

      bus.unplug();
      expect(unplugs()).toBe(announce ? 1 : 0);
      const gone = await link.interrogate();
      expect(gone.ok).toBe(false);
      // Nothing is sent to a device that is gone: the bus no longer lists it.
      expect(gone).toMatchObject({ ok: false, error: { code: 'WAND_NOT_FOUND' } });
      expect(link.wandStatus().state).toBe('disconnected');

      const second = bus.plug();
      expect(second).not.toBe(first);
      const again = await link.interrogate();
      expect(again).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
      expect(link.device).toBe(second);
      expect(opened).toEqual([first, second]);
      // The write path works on the new device too.
      if (!again.ok) throw new Error(again.error.message);
      const w = await link.program({
        sessionId: 's',
        transactionId: '7b0c9a51-5f0e-4d7e-9b8a-0d4f3e2c1b5a',
        settings: {
          drug: again.value.drug,
          concentration: again.value.concentration,
          mode: 'continuous',
          rate: { value: '0.3', unit: 'mL/day' },
        },
      });
      expect(w).toMatchObject({ ok: true, value: { applied: true } });
      await link.close();
    });
  }

  it('with no wand at the start, a request is refused with nothing sent; a wand plugged in later is found', async () => {
    const { bus, link, opened } = setup();
    const none = await link.interrogate();
    expect(none).toMatchObject({ ok: false, error: { code: 'WAND_NOT_FOUND' } });
    expect(opened).toEqual([]);
    const device = bus.plug();
    expect(await link.interrogate()).toMatchObject({ ok: true });
    expect(link.device).toBe(device);
    await link.close();
  });

  it('a connect event for another device object while one is in use (its unplug missed) replaces it', async () => {
    const { bus, link, opened } = setup();
    const first = bus.plug();
    expect(await link.interrogate()).toMatchObject({ ok: true });
    bus.announce = false;
    bus.unplug();
    bus.announce = true;
    const second = bus.plug();
    expect(link.device).toBeUndefined();
    expect(await link.interrogate()).toMatchObject({ ok: true });
    expect(opened).toEqual([first, second]);
    // The old device's link was closed (released, closed) before the new one was opened.
    expect(first.log.slice(-1)).toEqual(['close']);
    await link.close();
  });

  it('unplugged and replugged with no event at all, between two requests: the next request uses the new device', async () => {
    const { bus, link, opened } = setup();
    bus.announce = false;
    const first = bus.plug();
    expect(await link.interrogate()).toMatchObject({ ok: true });
    bus.unplug();
    const second = bus.plug();
    expect(link.device).toBe(first); // nothing told it yet
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
    expect(link.device).toBe(second);
    expect(opened).toEqual([first, second]);
    expect(first.log.slice(-1)).toEqual(['close']);
    await link.close();
  });

  it('a wand still attached keeps its link and session: no reopening between requests', async () => {
    const { bus, link, opened } = setup();
    const device = bus.plug();
    for (let i = 0; i < 3; i++) expect(await link.interrogate()).toMatchObject({ ok: true });
    expect(opened).toEqual([device]);
    expect(device.log.filter((c) => c === 'open')).toEqual(['open']);
    await link.close();
  });

  it('close() stops listening to the bus', async () => {
    const { bus, link } = setup();
    bus.plug();
    expect(bus.listening()).toBe(2);
    await link.close();
    expect(bus.listening()).toBe(0);
  });
});
