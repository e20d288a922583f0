/** The open-source test identity used until a vendor/product id is assigned (docs). */
export const WAND_VENDOR_ID = 0x1209;
export const WAND_PRODUCT_ID = 0x0001;

/** The part of the W3C WebUSB `USB` interface that detection needs (node-usb implements it). */
export interface UsbDeviceSource {
  getDevices(): Promise<ReadonlyArray<{ vendorId: number; productId: number }>>;
}

export type WandPresence = 'attached' | 'absent' | 'no-usb-subsystem';

/**
 * Looks for a programmer wand. A machine without a USB subsystem (node-usb rejects with
 * "/sys/bus/usb/devices/ not found") or without permission is reported, never thrown.
 */
export async function detectWand(usb: UsbDeviceSource): Promise<WandPresence> {
  try {
    const devices = await usb.getDevices();
    return devices.some((d) => d.vendorId === WAND_VENDOR_ID && d.productId === WAND_PRODUCT_ID)
      ? 'attached'
      : 'absent';
  } catch {
    return 'no-usb-subsystem';
  }
}
