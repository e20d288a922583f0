// How USB failures are read: one table for the W3C WebUSB names and node-usb's own messages
// (docs/wand-protocol.md, "USB errors and what they mean"), used by the transport (transport.ts).
import type { FrameError } from '../protocol/frame';

export type TransportError =
  /** The wand is gone (unplugged, or its port lost power). */
  | { kind: 'DISCONNECTED'; message: string }
  | { kind: 'TIMEOUT' }
  | { kind: 'FRAME'; error: FrameError }
  /** Another program (or a kernel driver) holds the wand's interface. */
  | { kind: 'BUSY'; message: string }
  /** The operating system does not let this user open the wand. */
  | { kind: 'ACCESS'; message: string }
  /** The device is not open or its interface is not claimed: it must be opened afresh. */
  | { kind: 'STATE'; message: string }
  /** One USB transfer failed (a fault on the bus, babble, a flood of input): the request may be repeated. */
  | { kind: 'TRANSFER'; message: string }
  /** The IN endpoint kept stalling although its halt was cleared. */
  | { kind: 'STALL'; message: string }
  | { kind: 'USB'; message: string };

/** Where a USB error arose: the same W3C name means another thing on a claim than on a transfer. */
export type UsbStep = 'open' | 'claim' | 'transfer';

const property = (e: unknown, key: 'errno' | 'name' | 'message'): unknown =>
  typeof e === 'object' && e !== null && key in e ? (e as Record<typeof key, unknown>)[key] : undefined;
const errnoOf = (e: unknown): number | undefined => {
  const n = property(e, 'errno');
  return typeof n === 'number' ? n : undefined;
};

/** One row of the USB error table: a W3C DOMException name, or node-usb's own message, or an errno. */
interface UsbErrorRule {
  readonly kind: Exclude<TransportError['kind'], 'TIMEOUT' | 'FRAME' | 'STALL'>;
  /** W3C WebUSB DOMException names, and the steps at which they mean this (every step when absent). */
  readonly w3c?: { readonly names: readonly string[]; readonly steps?: readonly UsbStep[] };
  /**
   * node-usb's messages: usb@3 (node-usb-rs over nusb) rejects with "<call> error: <cause>"
   * (transfer causes as nusb's TransferError names: Cancelled, Stall, Disconnected, Fault, …; other
   * causes as nusb's texts with "(errno N)"); usb@2 with libusb names; and the OS's `os error N`.
   */
  readonly nodeUsb?: RegExp;
  /** `errno` properties: libusb's negative codes and the operating system's errno. */
  readonly errno?: readonly number[];
}

/**
 * How every USB failure is read, first match wins (docs/wand-protocol.md, "USB errors and what
 * they mean"). "endpoint not found" is usb@3's answer for a transfer on an interface that is no
 * longer there (the wand was unplugged and its configuration went with it); the transport never
 * causes it itself, as it never has two transfers on one endpoint and waits for its pending read
 * before it reopens.
 */
export const USB_ERROR_TABLE: readonly UsbErrorRule[] = [
  {
    kind: 'DISCONNECTED',
    w3c: { names: ['NotFoundError'] },
    nodeUsb:
      /LIBUSB_ERROR_NO_DEVICE|\bdisconnected\b|no such device|device not found|endpoint not found|ENODEV|os error 19\b|errno 19\b/i,
    errno: [-4, 19],
  },
  {
    kind: 'ACCESS',
    w3c: { names: ['SecurityError'] },
    nodeUsb: /LIBUSB_ERROR_ACCESS|EACCES|EPERM|permission denied|access denied|os error 13\b|errno 13\b/i,
    errno: [-3, 13],
  },
  {
    kind: 'BUSY',
    w3c: { names: ['NetworkError'], steps: ['open', 'claim'] },
    nodeUsb: /LIBUSB_ERROR_BUSY|EBUSY|\bbusy\b|os error 16\b|errno 16\b|already claimed|in use/i,
    errno: [-6, 16],
  },
  { kind: 'STATE', w3c: { names: ['InvalidStateError'] }, nodeUsb: /error: invalid state\b|error: not claimed\b/i },
  {
    kind: 'TRANSFER',
    w3c: { names: ['NetworkError', 'AbortError'], steps: ['transfer'] },
    nodeUsb:
      /error: Fault\b|\bfault\b|LIBUSB_ERROR_IO|LIBUSB_ERROR_PIPE|LIBUSB_ERROR_OVERFLOW|LIBUSB_ERROR_INTERRUPTED|EPROTO|EILSEQ/i,
  },
];

/**
 * node-usb ends a transfer that is still pending after its timeout: usb@3 rejects "transferIn
 * error: Cancelled", usb@2 (libusb) with TIMED_OUT or CANCELLED. For a read this is "nothing
 * arrived yet", never a USB error.
 */
export const TRANSFER_EXPIRED =
  /\btransfer(?:In|Out) error: Cancelled\b|LIBUSB_TRANSFER_TIMED_OUT|LIBUSB_ERROR_TIMEOUT|LIBUSB_TRANSFER_CANCELLED/;
/** node-usb rejects a stalled transfer (W3C resolves it with status 'stall'). */
export const TRANSFER_STALLED = /\btransfer(?:In|Out) error: Stall\b|LIBUSB_TRANSFER_STALL/;

/** The message of whatever a USB call rejected with. */
export const messageOf = (e: unknown): string => {
  const m = property(e, 'message');
  return typeof m === 'string' ? m : String(e);
};

/**
 * A USB failure by its cause, from one table (`USB_ERROR_TABLE`) for both the W3C WebUSB
 * DOMException names and node-usb's own errors: NotFoundError / NO_DEVICE / "Disconnected" /
 * "endpoint not found" is an unplugged wand; SecurityError / ACCESS is a missing permission; a
 * claim refused with NetworkError, or BUSY / errno 16, is another program holding the wand;
 * InvalidStateError is a device that must be opened again; a transfer's NetworkError or "Fault"
 * is one failed transfer; anything else is a USB error.
 */
export function classifyUsbError(e: unknown, step: UsbStep): TransportError {
  const rawName = property(e, 'name');
  const name = typeof rawName === 'string' ? rawName : '';
  const message = messageOf(e);
  const errno = errnoOf(e);
  for (const rule of USB_ERROR_TABLE) {
    const w3c =
      rule.w3c !== undefined &&
      rule.w3c.names.includes(name) &&
      (rule.w3c.steps === undefined || rule.w3c.steps.includes(step));
    if (w3c || rule.nodeUsb?.test(message) === true || (errno !== undefined && rule.errno?.includes(errno) === true))
      return { kind: rule.kind, message };
  }
  return { kind: 'USB', message };
}
