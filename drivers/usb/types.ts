/**
 * The part of the W3C WebUSB `USBDevice` the wand transport uses. node-usb's WebUSB devices
 * implement it; so does the in-memory device backed by the simulator.
 */
export interface UsbInResult {
  data?: DataView | undefined;
  status: 'ok' | 'stall' | 'babble';
}
export interface UsbOutResult {
  bytesWritten: number;
  status: 'ok' | 'stall';
}
export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber?: string | undefined;
  readonly opened: boolean;
  /** The active configuration (W3C): null when the device is unconfigured. node-usb's getter may throw. */
  readonly configuration?: { readonly configurationValue: number } | null | undefined;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  /**
   * `timeoutMs` is node-usb's extension of the W3C call (its default is 1000 ms): a transfer still
   * pending then is cancelled and rejects ("transferIn error: Cancelled"). W3C implementations
   * ignore it; their transfers stay pending until they complete or the device is closed.
   */
  transferOut(endpointNumber: number, data: Uint8Array, timeoutMs?: number): Promise<UsbOutResult>;
  transferIn(endpointNumber: number, length: number, timeoutMs?: number): Promise<UsbInResult>;
  /** Clears a halt (stall) condition of an endpoint. */
  clearHalt(direction: 'in' | 'out', endpointNumber: number): Promise<void>;
}

/** Interface and endpoints of the wand (docs/wand-protocol.md). */
export const WAND_USB = { configuration: 1, interface: 0, endpointOut: 1, endpointIn: 1 } as const;
