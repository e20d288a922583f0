import { describe, expect, it } from 'vitest';
import { SimulatorLink } from '../support/simulator-link';
import { wandAttachEvents, WAND_PRODUCT_ID, WAND_VENDOR_ID } from '../../drivers/usb/detect';
import { LinkManager } from '../../services/link-manager';

type ConnectListener = (event: { device: { vendorId: number; productId: number } }) => void;

/** Test double for node-usb's WebUSB event source (no USB kernel device here). */
class FakeUsbEvents {
  readonly listeners = new Set<ConnectListener>();
  addEventListener(_type: 'connect', l: ConnectListener) {
    this.listeners.add(l);
  }
  removeEventListener(_type: 'connect', l: ConnectListener) {
    this.listeners.delete(l);
  }
  plugIn(vendorId: number, productId: number) {
    for (const l of this.listeners) l({ device: { vendorId, productId } });
  }
}

const training = () => ({
  link: new SimulatorLink(),
  info: { kind: 'simulator' as const, training: true, reason: 'NO_WAND_ATTACHED' as const },
});

describe('hot-plug', () => {
  it('takes a wand plugged in during training mode into use, and ignores other devices', async () => {
    const usb = new FakeUsbEvents();
    const wand = new SimulatorLink();
    const manager = new LinkManager(training(), { source: wandAttachEvents(usb), wandLink: () => wand });
    usb.plugIn(0x046d, 0xc077); // a mouse
    expect(manager.info.training).toBe(true);
    usb.plugIn(WAND_VENDOR_ID, WAND_PRODUCT_ID);
    expect(manager.info).toEqual({ kind: 'usb', training: false });
    expect((await manager.interrogate()).ok).toBe(true);
    await manager.close();
    expect(usb.listeners.size).toBe(0);
  });

  it('never leaves training mode when the simulator was asked for', () => {
    const usb = new FakeUsbEvents();
    const manager = new LinkManager(
      { ...training(), info: { kind: 'simulator', training: true, reason: 'SIMULATOR_REQUESTED' } },
      { source: wandAttachEvents(usb), wandLink: () => new SimulatorLink() },
    );
    usb.plugIn(WAND_VENDOR_ID, WAND_PRODUCT_ID);
    expect(manager.info.training).toBe(true);
  });

  it('opens a replugged wand afresh, but leaves a working one alone', () => {
    const usb = new FakeUsbEvents();
    const first = new SimulatorLink();
    let made = 0;
    const manager = new LinkManager(
      { link: first, info: { kind: 'usb', training: false } },
      { source: wandAttachEvents(usb), wandLink: () => (made++, new SimulatorLink()) },
    );
    usb.plugIn(WAND_VENDOR_ID, WAND_PRODUCT_ID); // a second wand while the first works: ignored
    expect(made).toBe(0);
    first.unplugged = true;
    usb.plugIn(WAND_VENDOR_ID, WAND_PRODUCT_ID);
    expect(made).toBe(1);
    expect(manager.wandStatus().state).toBe('pump-found');
  });
});
