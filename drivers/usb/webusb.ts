import { wandAttachEvents, type UsbDeviceSource, type WandAttachSource } from './detect';

/**
 * node-usb's WebUSB implementation, loaded lazily so that a missing or broken native module
 * leaves the app in training mode instead of failing at start-up.
 */
export async function nodeUsb(): Promise<UsbDeviceSource | undefined> {
  try {
    const { WebUSB } = await import('usb');
    return new WebUSB({ allowAllDevices: true });
  } catch {
    return undefined;
  }
}

/**
 * node-usb's hot-plug events for the wand, or undefined where USB is unavailable. Listening on a
 * machine without a USB subsystem makes node-usb reject inside its own event handling, so the
 * subsystem is probed first.
 */
export async function nodeUsbAttach(): Promise<WandAttachSource | undefined> {
  try {
    const { WebUSB } = await import('usb');
    const usb = new WebUSB({ allowAllDevices: true });
    await usb.getDevices();
    return wandAttachEvents(usb);
  } catch {
    return undefined;
  }
}
