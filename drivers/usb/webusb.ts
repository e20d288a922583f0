import type { UsbDeviceSource } from './detect';

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
