// The wand transport's bounds and the small parts it is built from (docs/wand-protocol.md,
// "Timeouts, retries and bounds"); transport.ts re-exports the bounds.
import { MAX_FRAME, PACKET_BYTES, type Frame } from '../protocol/frame';
import type { UsbDeviceLike } from './types';
import type { TransportError } from './usb-errors';

export type Exchange =
  { ok: true; frame: Frame; bytesOut: Uint8Array; bytesIn: Uint8Array } | { ok: false; error: TransportError };

/** Stalls cleared per exchange before the endpoint is given up on. */
export const MAX_STALLS = 3;
/** Packets drained before a request: more means the wand sends without end. */
export const MAX_DRAIN_PACKETS = 2 * Math.ceil(MAX_FRAME / PACKET_BYTES);
/** Packets read while waiting for one answer (late answers, empty packets included). */
export const MAX_READS = 256;

/** Lets timers and I/O run between reads: a device that answers at once must not starve the event loop. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
export const ignore = (): void => undefined;
export const EMPTY = new Uint8Array(0);

export class TransportFailure extends Error {
  constructor(readonly error: TransportError) {
    super(error.kind);
  }
}

/** The active configuration, or undefined when the device cannot say (node-usb's getter may throw). */
export function activeConfiguration(device: UsbDeviceLike): number | undefined {
  try {
    return device.configuration?.configurationValue;
  } catch {
    return undefined;
  }
}
