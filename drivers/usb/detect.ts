/** The open-source test identity used until a vendor/product id is assigned (docs). */
export const WAND_VENDOR_ID = 0x1209;
export const WAND_PRODUCT_ID = 0x0001;

/** The part of the W3C WebUSB `USB` interface that detection needs (node-usb implements it). */
export interface UsbDeviceSource {
  getDevices(): Promise<ReadonlyArray<{ vendorId: number; productId: number }>>;
}

export type WandSearch<D> = { presence: 'attached'; device: D } | { presence: 'absent' | 'no-usb-subsystem' };

/**
 * Looks for a programmer wand and hands back its device when there is one. A machine without a
 * USB subsystem (node-usb rejects with "/sys/bus/usb/devices/ not found") or without permission
 * is reported, never thrown.
 */
export async function findWand<D extends { vendorId: number; productId: number }>(usb: {
  getDevices(): Promise<ReadonlyArray<D>>;
}): Promise<WandSearch<D>> {
  try {
    const device = (await usb.getDevices()).find(
      (d) => d.vendorId === WAND_VENDOR_ID && d.productId === WAND_PRODUCT_ID,
    );
    return device === undefined ? { presence: 'absent' } : { presence: 'attached', device };
  } catch {
    return { presence: 'no-usb-subsystem' };
  }
}

/** Hot-plug notifications from the USB stack: called when a wand is plugged in. */
export interface WandAttachSource {
  onWandAttached(listener: () => void): () => void;
}

/** The connect events of a W3C `USB` object (node-usb's WebUSB), filtered to the wand. */
export function wandAttachEvents(usb: {
  addEventListener(
    type: 'connect',
    listener: (event: { device: { vendorId: number; productId: number } }) => void,
  ): void;
  removeEventListener(
    type: 'connect',
    listener: (event: { device: { vendorId: number; productId: number } }) => void,
  ): void;
}): WandAttachSource {
  return {
    onWandAttached(listener) {
      const handler = (event: { device: { vendorId: number; productId: number } }) => {
        if (event.device.vendorId === WAND_VENDOR_ID && event.device.productId === WAND_PRODUCT_ID) listener();
      };
      usb.addEventListener('connect', handler);
      return () => usb.removeEventListener('connect', handler);
    },
  };
}
