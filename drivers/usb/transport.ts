import { decodeFrame, encodeFrame, frameLength, MAX_FRAME, packetize, PACKET_BYTES, type Frame, type FrameError } from '../protocol/frame';
import { MessageType } from '../protocol/messages';
import { WAND_USB, type UsbDeviceLike, type UsbInResult } from './types';

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

export type Exchange = { ok: true; frame: Frame; bytesOut: Uint8Array; bytesIn: Uint8Array } | { ok: false; error: TransportError };

/** Where a USB error arose: the same W3C name means another thing on a claim than on a transfer. */
export type UsbStep = 'open' | 'claim' | 'transfer';

const property = (e: unknown, key: 'errno' | 'name' | 'message'): unknown => (typeof e === 'object' && e !== null && key in e ? (e as Record<typeof key, unknown>)[key] : undefined);
const errnoOf = (e: unknown): number | undefined => {
  const n = property(e, 'errno');
  return typeof n === 'number' ? n : undefined;
};

// node-usb (libusb names and negative codes; Rust `os error N` texts) and the operating system's errno.
const GONE = /LIBUSB_ERROR_NO_DEVICE|\bdisconnected\b|no such device|ENODEV|os error 19\b/i;
const NO_PERMISSION = /LIBUSB_ERROR_ACCESS|EACCES|EPERM|permission denied|access denied|os error 13\b/i;
const IN_USE = /LIBUSB_ERROR_BUSY|EBUSY|resource busy|os error 16\b|errno 16\b|already claimed|in use/i;
const TRANSFER_FAULT = /\bfault\b|LIBUSB_ERROR_IO|LIBUSB_ERROR_PIPE|LIBUSB_ERROR_OVERFLOW|LIBUSB_ERROR_INTERRUPTED|EPROTO|EILSEQ/i;

/**
 * A USB failure by its cause, for both the W3C WebUSB DOMException names and node-usb's own
 * errors: NotFoundError / NO_DEVICE / "Disconnected" is an unplugged wand; SecurityError / ACCESS
 * is a missing permission; a claim refused with NetworkError, or BUSY / errno 16, is another
 * program holding the wand; InvalidStateError is a device that must be opened again; a transfer's
 * NetworkError or "Fault" is one failed transfer.
 */
export function classifyUsbError(e: unknown, step: UsbStep): TransportError {
  const rawName = property(e, 'name');
  const rawMessage = property(e, 'message');
  const name = typeof rawName === 'string' ? rawName : '';
  const message = typeof rawMessage === 'string' ? rawMessage : String(e);
  const errno = errnoOf(e);
  if (name === 'NotFoundError' || GONE.test(message) || errno === -4 || errno === 19) return { kind: 'DISCONNECTED', message };
  if (name === 'SecurityError' || NO_PERMISSION.test(message) || errno === -3 || errno === 13) return { kind: 'ACCESS', message };
  if (IN_USE.test(message) || errno === -6 || errno === 16 || (name === 'NetworkError' && step !== 'transfer')) return { kind: 'BUSY', message };
  if (name === 'InvalidStateError') return { kind: 'STATE', message };
  if (step === 'transfer' && (name === 'NetworkError' || name === 'AbortError' || TRANSFER_FAULT.test(message))) return { kind: 'TRANSFER', message };
  return { kind: 'USB', message };
}

/** Stalls cleared per exchange before the endpoint is given up on. */
export const MAX_STALLS = 3;
/** Packets drained before a request: more means the wand sends without end. */
export const MAX_DRAIN_PACKETS = 2 * Math.ceil(MAX_FRAME / PACKET_BYTES);
/** Packets read while waiting for one answer (late answers, empty packets included). */
export const MAX_READS = 256;

/** Lets timers and I/O run between reads: a device that answers at once must not starve the event loop. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class TransportFailure extends Error {
  constructor(readonly error: TransportError) {
    super(error.kind);
  }
}

/**
 * Frames over USB bulk transfers: one request, one response, each with a sequence number. Every
 * read has a timeout; a read that timed out stays pending and is reused (WebUSB cannot cancel it),
 * and input left over from an earlier exchange is drained before each request. Responses with
 * another sequence number (late answers to timed-out requests) are discarded, and so is any frame
 * numbered 0 but an ERROR. A stalled IN endpoint has its halt cleared, a bounded number of times.
 */
export class WandTransport {
  private seq = 0;
  private pendingIn: Promise<UsbInResult> | null = null;
  private buffer = new Uint8Array(0);
  /** Late or unreadable input discarded so far (shown as link quality). */
  discarded = 0;

  constructor(
    private readonly device: UsbDeviceLike,
    private readonly timeoutMs = 500,
  ) {}

  async open(): Promise<{ ok: true } | { ok: false; error: TransportError }> {
    let step: UsbStep = 'open';
    try {
      if (!this.device.opened) await this.device.open();
      await this.device.selectConfiguration(WAND_USB.configuration);
      step = 'claim';
      await this.device.claimInterface(WAND_USB.interface);
      this.pendingIn = null;
      this.buffer = new Uint8Array(0);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: classifyUsbError(e, step) };
    }
  }

  async close(): Promise<void> {
    try {
      await this.device.releaseInterface(WAND_USB.interface);
      await this.device.close();
    } catch {
      // Closing an unplugged device fails; there is nothing left to release.
    }
  }

  private async readPacket(timeoutMs: number): Promise<Uint8Array | 'timeout' | 'stall'> {
    if (this.pendingIn === null) {
      const p = this.device.transferIn(WAND_USB.endpointIn, PACKET_BYTES);
      p.catch(() => undefined); // handled where awaited; never an unhandled rejection
      this.pendingIn = p;
    }
    const pending = this.pendingIn;
    let timer: NodeJS.Timeout | undefined;
    // A zero timeout only asks "has a packet already arrived?": answered within microtasks, no timer.
    const timeout =
      timeoutMs <= 0 ? Promise.resolve<'timeout'>('timeout') : new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const result = await Promise.race([pending, timeout]);
      if (result === 'timeout') return 'timeout';
      this.pendingIn = null;
      if (result.status === 'stall') return 'stall';
      if (result.status === 'babble') throw new TransportFailure({ kind: 'TRANSFER', message: 'babble: the wand sent more than a packet' });
      const data = result.data;
      return data === undefined ? new Uint8Array(0) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    } catch (e) {
      this.pendingIn = null;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async clearStall(stalls: number): Promise<void> {
    if (stalls > MAX_STALLS) throw new TransportFailure({ kind: 'STALL', message: `the wand's IN endpoint stalled ${stalls} times` });
    await this.device.clearHalt('in', WAND_USB.endpointIn);
  }

  private append(packet: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + packet.length);
    joined.set(this.buffer);
    joined.set(packet, this.buffer.length);
    this.buffer = joined;
  }

  async exchange(type: number, payload: Uint8Array): Promise<Exchange> {
    try {
      let stalls = 0;
      // Drain anything that arrived since the last exchange, within bounds.
      for (let drained = 0; ; drained++) {
        if (drained > MAX_DRAIN_PACKETS) return { ok: false, error: { kind: 'TRANSFER', message: 'the wand sends without end' } };
        const p = await this.readPacket(0);
        if (p === 'timeout') break;
        await yieldToEventLoop();
        if (p === 'stall') await this.clearStall(++stalls);
        else this.discarded++;
      }
      if (this.buffer.length > 0) this.discarded++;
      this.buffer = new Uint8Array(0);

      this.seq = this.seq >= 255 ? 1 : this.seq + 1;
      const bytesOut = encodeFrame({ seq: this.seq, type, payload });
      for (const packet of packetize(bytesOut)) await this.device.transferOut(WAND_USB.endpointOut, packet);

      const deadline = Date.now() + this.timeoutMs;
      for (let reads = 0; ; ) {
        const need = frameLength(this.buffer);
        if (need !== undefined && typeof need !== 'number') {
          this.buffer = new Uint8Array(0);
          return { ok: false, error: { kind: 'FRAME', error: need } };
        }
        if (typeof need === 'number' && this.buffer.length >= need) {
          const bytesIn = this.buffer.slice(0, need);
          this.buffer = this.buffer.slice(need);
          const decoded = decodeFrame(bytesIn);
          if (!decoded.ok) return { ok: false, error: { kind: 'FRAME', error: decoded.error } };
          // Sequence 0 is only ever an ERROR ("the request could not be read"); anything else numbered 0,
          // or numbered for another request, is not the answer to this one.
          const answers = decoded.frame.seq === this.seq || (decoded.frame.seq === 0 && decoded.frame.type === MessageType.ERROR);
          if (!answers) {
            this.discarded++;
            continue;
          }
          return { ok: true, frame: decoded.frame, bytesOut, bytesIn };
        }
        const left = deadline - Date.now();
        if (left <= 0) return { ok: false, error: { kind: 'TIMEOUT' } };
        if (++reads > MAX_READS) return { ok: false, error: { kind: 'TRANSFER', message: `no whole answer in ${MAX_READS} packets` } };
        const packet = await this.readPacket(left);
        if (packet === 'timeout') return { ok: false, error: { kind: 'TIMEOUT' } };
        await yieldToEventLoop();
        if (packet === 'stall') await this.clearStall(++stalls);
        else this.append(packet);
      }
    } catch (e) {
      if (e instanceof TransportFailure) return { ok: false, error: e.error };
      return { ok: false, error: classifyUsbError(e, 'transfer') };
    }
  }
}
