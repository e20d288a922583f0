import { decodeFrame, frameLength, PACKET_BYTES } from '../protocol/frame';
import { decodeMessage } from '../protocol/messages';
import { WAND_PRODUCT_ID, WAND_VENDOR_ID } from '../usb/detect';
import type { UsbDeviceLike, UsbInResult, UsbOutResult } from '../usb/types';
import type { SimulatedWand } from './wand';

/** Faults a test or a training room can inject into the USB link. */
export type LinkFault =
  | { kind: 'drop-response' }
  | { kind: 'corrupt-response' }
  | { kind: 'delay-response'; ms: number }
  | { kind: 'unplug-before-request' }
  | { kind: 'unplug-after-request' }
  | { kind: 'stale-input' };

/** The message type of a request frame, or undefined when it does not decode. */
const messageType = (bytes: Uint8Array): string | undefined => {
  const frame = decodeFrame(bytes);
  if (!frame.ok) return undefined;
  const decoded = decodeMessage(frame.frame.type, frame.frame.payload);
  return decoded.ok ? decoded.message.type : undefined;
};

/**
 * How long the wand waits for the next bulk OUT packet of a frame it holds only part of; a packet
 * arriving later finds the part dropped and is read as the start of a new frame
 * (docs/wand-protocol.md, Framing, W13). The host writes a frame's packets back to back.
 */
export const PARTIAL_FRAME_LIMIT_MS = 200;

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** What WebUSB rejects with once the device is gone: a NotFoundError. */
class DeviceUnplugged extends Error {
  constructor() {
    super('The device was disconnected.');
    this.name = 'NotFoundError';
  }
}

/** What WebUSB rejects with on a device that is not open or whose interface is not claimed. */
class NotReady extends Error {
  constructor() {
    super('The device must be opened and its interface claimed first.');
    this.name = 'InvalidStateError';
  }
}

/**
 * An in-memory `USBDevice` (a test double for the USB kernel device, which these machines lack),
 * backed by the simulated wand: bulk OUT packets are reassembled into frames, answered by the
 * wand after a telemetry latency, and handed back as 64-byte bulk IN packets. Faults are queued
 * per request: `faults[n]` applies to the n-th request from now.
 */
export class SimulatedUsbDevice implements UsbDeviceLike {
  readonly vendorId = WAND_VENDOR_ID;
  readonly productId = WAND_PRODUCT_ID;
  readonly serialNumber = 'W-SIM-0001';
  opened = false;
  unplugged = false;
  requests = 0;
  readonly faults = new Map<number, LinkFault>();
  private claimed = false;
  private outBuffer = new Uint8Array(0);
  /** When the last bulk OUT packet arrived (by `now`), for the partial-frame limit. */
  private lastOutAt = 0;
  private readonly inbox: Uint8Array[] = [];
  private waiting: Array<(packet: Uint8Array | Error) => void> = [];

  constructor(
    private readonly wand: SimulatedWand,
    /** Telemetry latency per frame exchange, in milliseconds. */
    private readonly latencyMs = 0,
    /** A monotonic clock in milliseconds (injectable: tests pass the partial-frame limit without waiting). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Faults waiting for a request of a given message type (e.g. the next COMMIT), each applied once. */
  private readonly armed = new Map<string, LinkFault>();
  /** Called when the wand is unplugged (a training scenario plugs it back in after a while). */
  onUnplug: (() => void) | undefined;

  /** Applies `fault` to the next request whose message is of `type` (e.g. 'COMMIT'). */
  armOnMessage(type: string, fault: LinkFault): void {
    this.armed.set(type, fault);
  }

  /** Plugs the wand back in: it must be opened and claimed afresh, as after a real replug. */
  replug(): void {
    this.unplugged = false;
    this.opened = false;
    this.claimed = false;
    this.outBuffer = new Uint8Array(0);
    this.inbox.length = 0;
  }

  /** Injects a fault into the request `offset` requests from now (0 = the next one). */
  inject(fault: LinkFault, offset = 0): void {
    this.faults.set(this.requests + offset, fault);
  }

  private assertReady(): void {
    if (this.unplugged) throw new DeviceUnplugged();
    if (!this.opened || !this.claimed) throw new NotReady();
  }

  open(): Promise<void> {
    if (this.unplugged) return Promise.reject(new DeviceUnplugged());
    this.opened = true;
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.opened = false;
    this.claimed = false;
    return Promise.resolve();
  }
  /** SET_CONFIGURATION: the wand drops the bytes of a frame it holds part of (docs, W13); its session stays. */
  selectConfiguration(): Promise<void> {
    if (this.unplugged) return Promise.reject(new DeviceUnplugged());
    this.outBuffer = new Uint8Array(0);
    return Promise.resolve();
  }
  claimInterface(): Promise<void> {
    if (this.unplugged) return Promise.reject(new DeviceUnplugged());
    this.claimed = true;
    return Promise.resolve();
  }
  releaseInterface(): Promise<void> {
    this.claimed = false;
    return Promise.resolve();
  }
  clearHalt(): Promise<void> {
    try {
      this.assertReady();
    } catch (e) {
      return Promise.reject(asError(e));
    }
    return Promise.resolve();
  }

  /** Unplugs the wand: every pending and future transfer fails as on real hardware. */
  unplug(): void {
    this.unplugged = true;
    this.wand.powerLost();
    for (const w of this.waiting.splice(0)) w(new DeviceUnplugged());
    this.onUnplug?.();
  }

  transferOut(_endpoint: number, data: Uint8Array): Promise<UsbOutResult> {
    try {
      this.assertReady();
    } catch (e) {
      return Promise.reject(asError(e));
    }
    // A zero-length packet is no packet: it neither continues a frame nor restarts the W13 timer.
    if (data.length === 0) return Promise.resolve({ bytesWritten: 0, status: 'ok' });
    const at = this.now();
    // A frame begun but not finished within the limit is dropped: this packet starts afresh.
    if (this.outBuffer.length > 0 && at - this.lastOutAt > PARTIAL_FRAME_LIMIT_MS) this.outBuffer = new Uint8Array(0);
    this.lastOutAt = at;
    const joined = new Uint8Array(this.outBuffer.length + data.length);
    joined.set(this.outBuffer);
    joined.set(data, this.outBuffer.length);
    this.outBuffer = joined;
    this.takeFrames();
    return Promise.resolve({ bytesWritten: data.length, status: 'ok' });
  }

  /**
   * Serves every whole frame held, in order: bytes after a frame in the same transfer begin the
   * next (docs/wand-protocol.md, Framing). What is held is checked at once after each frame taken:
   * bytes that cannot begin a frame (not `A5 5A`, or L > 1024) are dropped then, not held until the
   * next packet.
   */
  private takeFrames(): void {
    while (!this.unplugged) {
      const need = frameLength(this.outBuffer);
      if (need === undefined) return; // too few bytes to tell: wait for the next packet
      if (typeof need !== 'number') {
        // Garbage on the line: the wand resynchronises by discarding what it has.
        this.outBuffer = new Uint8Array(0);
        return;
      }
      if (this.outBuffer.length < need) return;
      const request = this.outBuffer.slice(0, need);
      this.outBuffer = this.outBuffer.slice(need);
      this.dispatch(request);
    }
  }

  private dispatch(request: Uint8Array): void {
    const type = this.armed.size === 0 ? undefined : messageType(request);
    const byType = type === undefined ? undefined : this.armed.get(type);
    if (type !== undefined && byType !== undefined) this.armed.delete(type);
    const fault = byType ?? this.faults.get(this.requests);
    this.faults.delete(this.requests);
    this.requests++;
    if (fault?.kind === 'unplug-before-request') {
      this.unplug();
      return;
    }
    const response = this.wand.handle(request);
    if (fault?.kind === 'unplug-after-request') {
      this.unplug();
      return;
    }
    if (fault?.kind === 'drop-response') return;
    if (fault?.kind === 'corrupt-response') response[response.length - 1] = (response[response.length - 1] ?? 0) ^ 0xff;
    const delay = this.latencyMs + (fault?.kind === 'delay-response' ? fault.ms : 0);
    const send = () => {
      if (this.unplugged) return;
      for (let i = 0; i < response.length; i += PACKET_BYTES) this.deliver(response.slice(i, i + PACKET_BYTES));
      // Junk left on the line after the answer: the host must drain it before its next request.
      if (fault?.kind === 'stale-input')
        this.deliver(Uint8Array.from([0xa5, 0x5a, 0x01, 0x00, 0x00, 0xee, 0x7f, 0x00, 0x00]));
    };
    if (delay > 0) setTimeout(send, delay);
    else send();
  }

  private deliver(packet: Uint8Array): void {
    const waiter = this.waiting.shift();
    if (waiter !== undefined) waiter(packet);
    else this.inbox.push(packet);
  }

  transferIn(_endpoint: number, length: number): Promise<UsbInResult> {
    try {
      this.assertReady();
    } catch (e) {
      return Promise.reject(asError(e));
    }
    const toResult = (p: Uint8Array | Error): UsbInResult => {
      if (p instanceof Error) throw p;
      const bytes = p.slice(0, length);
      return { data: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), status: 'ok' };
    };
    const ready = this.inbox.shift();
    if (ready !== undefined) return Promise.resolve(toResult(ready));
    return new Promise((resolve, reject) => {
      this.waiting.push((p) => {
        try {
          resolve(toResult(p));
        } catch (e) {
          reject(asError(e));
        }
      });
    });
  }
}
