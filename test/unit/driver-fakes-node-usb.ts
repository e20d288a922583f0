/** A wand as node-usb@3 on Linux usbfs shows it, for the driver tests (not a test file itself). */
import type { SimulatedWand } from '../../drivers/simulator/wand';
import { frameLength, PACKET_BYTES } from '../../drivers/protocol/frame';
import { WAND_PRODUCT_ID, WAND_VENDOR_ID } from '../../drivers/usb/detect';
import type { UsbDeviceLike, UsbInResult, UsbOutResult } from '../../drivers/usb/types';

/** One usbfs file descriptor of the fake below: an open() of the device. */
interface UsbfsHandle {
  readonly id: number;
  /** Transfers in flight through this handle's interface (usb@3 keeps the interface, and its claim, alive while one is). */
  inFlight: number;
  /** The interface object was dropped (released, or replaced): the claim ends once nothing is in flight. */
  dropped: boolean;
}

/**
 * A wand as node-usb@3 (node-usb-rs over nusb, on Linux usbfs) shows it, after its sources:
 * - every transfer has a timeout (default 1000 ms, the optional third argument); one still pending
 *   then is cancelled and rejects "transferIn error: Cancelled";
 * - a transfer on an endpoint that already has one in flight, on an interface not claimed, or on a
 *   wand that is gone rejects "transferIn error: endpoint not found";
 * - a transfer in flight when the wand is unplugged rejects "transferIn error: Disconnected"; open()
 *   then rejects "open error: device not found (errno 2)";
 * - close() does not end a transfer in flight, and an interface with a transfer in flight stays
 *   claimed (the kernel's claim is released when the last transfer through it ends);
 * - usbfs refuses to set the configuration while any interface is claimed, by anyone ("device is
 *   busy (errno 16)"), and refuses a claim held by another file ("interface is busy (errno 16)").
 * The wand behind it is the simulated one; `silent` answers are dropped.
 */
export class NodeUsbLikeDevice implements UsbDeviceLike {
  readonly vendorId = WAND_VENDOR_ID;
  readonly productId = WAND_PRODUCT_ID;
  readonly serialNumber = 'W-SIM-0001';
  /** Answers to drop (a wand that stops answering). */
  silent = 0;
  /** When set, every read is cancelled after this long, whatever timeout it was given. */
  readCancelAfterMs: number | undefined;
  /** Latency of each answer. */
  latencyMs = 0;
  /** The next transferOut calls reject with these messages, one each (null: that one succeeds). */
  readonly outFailures: Array<string | null> = [];
  /** The next transferIn calls reject with these messages, one each. */
  readonly inFailures: string[] = [];
  /** What the driver did, for the assertions. */
  readonly log: string[] = [];
  /** The timeout each transferIn was submitted with (undefined: node-usb's default). */
  readonly readTimeouts: Array<number | undefined> = [];
  plugged = true;
  private handles = 0;
  private device: UsbfsHandle | null = null;
  private iface: UsbfsHandle | null = null;
  /** The usbfs file that holds interface 0 in the kernel (this process or another). */
  private kernelClaim: UsbfsHandle | 'other-process' | null = null;
  private readonly busyEndpoints = new Set<string>();
  private outBuffer = new Uint8Array(0);
  private readonly inbox: Uint8Array[] = [];
  private reader: { deliver: (p: Uint8Array) => void; fail: (e: Error) => void } | null = null;

  constructor(private readonly wand: SimulatedWand) {}

  get opened(): boolean {
    return this.device !== null;
  }

  get configuration(): { configurationValue: number } | null {
    if (!this.plugged) throw new Error('configuration error: device disconnected (errno 19)');
    return { configurationValue: 1 };
  }

  /** Another process claims interface 0 (as a second programmer would). */
  claimByOtherProcess(): void {
    this.kernelClaim = 'other-process';
  }

  unplug(): void {
    this.plugged = false;
    this.kernelClaim = null;
    this.reader?.fail(new Error('transferIn error: Disconnected'));
  }

  private claimHeld(): boolean {
    return this.kernelClaim !== null;
  }

  /** Drops the interface object of `handle`; its kernel claim ends when nothing is in flight. */
  private dropInterface(handle: UsbfsHandle): void {
    handle.dropped = true;
    if (handle.inFlight === 0 && this.kernelClaim === handle) this.kernelClaim = null;
  }

  open(): Promise<void> {
    this.log.push('open');
    if (!this.plugged) return Promise.reject(new Error('open error: device not found (errno 2)'));
    this.device = { id: ++this.handles, inFlight: 0, dropped: false };
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.log.push('close');
    this.device = null;
    return Promise.resolve();
  }

  selectConfiguration(): Promise<void> {
    this.log.push('selectConfiguration');
    if (this.device === null) return Promise.reject(new Error('selectConfiguration error: invalid state'));
    if (!this.plugged) return Promise.reject(new Error('selectConfiguration error: device disconnected (errno 19)'));
    if (this.claimHeld()) return Promise.reject(new Error('selectConfiguration error: device is busy (errno 16)'));
    return Promise.resolve();
  }

  claimInterface(): Promise<void> {
    this.log.push('claimInterface');
    const device = this.device;
    if (device === null) return Promise.reject(new Error('claimInterface error: invalid state'));
    if (!this.plugged) return Promise.reject(new Error('claimInterface error: device disconnected (errno 19)'));
    if (this.kernelClaim !== null && this.kernelClaim !== device)
      return Promise.reject(new Error('claimInterface error: interface is busy (errno 16)'));
    if (this.iface !== null && this.iface !== device) this.dropInterface(this.iface);
    this.kernelClaim = device;
    this.iface = device;
    return Promise.resolve();
  }

  releaseInterface(): Promise<void> {
    this.log.push('releaseInterface');
    if (this.device === null) return Promise.reject(new Error('releaseInterface error: invalid state'));
    if (this.iface === null) return Promise.reject(new Error('releaseInterface error: not claimed'));
    this.dropInterface(this.iface);
    this.iface = null;
    return Promise.resolve();
  }

  clearHalt(direction: 'in' | 'out'): Promise<void> {
    this.log.push('clearHalt');
    if (this.iface === null || !this.plugged || this.busyEndpoints.has(direction))
      return Promise.reject(new Error('clearHalt error: endpoint not found'));
    return Promise.resolve();
  }

  /** Starts a transfer on `direction`'s endpoint, or says why node-usb would not. */
  private begin(direction: 'in' | 'out'): UsbfsHandle | Error {
    const iface = this.iface;
    const call = direction === 'in' ? 'transferIn' : 'transferOut';
    if (iface === null || !this.plugged || this.busyEndpoints.has(direction))
      return new Error(`${call} error: endpoint not found`);
    this.busyEndpoints.add(direction);
    iface.inFlight++;
    return iface;
  }

  private end(direction: 'in' | 'out', handle: UsbfsHandle): void {
    this.busyEndpoints.delete(direction);
    handle.inFlight--;
    if (handle.dropped) this.dropInterface(handle);
  }

  transferOut(_endpoint: number, data: Uint8Array): Promise<UsbOutResult> {
    const handle = this.begin('out');
    if (handle instanceof Error) return Promise.reject(handle);
    this.end('out', handle);
    const failure = this.outFailures.shift();
    if (failure !== undefined && failure !== null) return Promise.reject(new Error(failure));
    const joined = new Uint8Array(this.outBuffer.length + data.length);
    joined.set(this.outBuffer);
    joined.set(data, this.outBuffer.length);
    this.outBuffer = joined;
    const need = frameLength(this.outBuffer);
    if (typeof need === 'number' && this.outBuffer.length >= need) {
      const request = this.outBuffer.slice(0, need);
      this.outBuffer = this.outBuffer.slice(need);
      const answer = this.wand.handle(request);
      if (this.silent > 0) this.silent--;
      else {
        const send = () => {
          for (let i = 0; i < answer.length; i += PACKET_BYTES) this.deliver(answer.slice(i, i + PACKET_BYTES));
        };
        if (this.latencyMs > 0) setTimeout(send, this.latencyMs);
        else send();
      }
    } else if (need !== undefined && typeof need !== 'number') this.outBuffer = new Uint8Array(0);
    return Promise.resolve({ bytesWritten: data.length, status: 'ok' });
  }

  private deliver(packet: Uint8Array): void {
    if (!this.plugged) return;
    if (this.reader !== null) this.reader.deliver(packet);
    else this.inbox.push(packet);
  }

  transferIn(_endpoint: number, length: number, timeoutMs?: number): Promise<UsbInResult> {
    this.readTimeouts.push(timeoutMs);
    const handle = this.begin('in');
    if (handle instanceof Error) return Promise.reject(handle);
    const failure = this.inFailures.shift();
    if (failure !== undefined) {
      this.end('in', handle);
      return Promise.reject(new Error(failure));
    }
    const result = (p: Uint8Array): UsbInResult => {
      const bytes = p.slice(0, length);
      return { data: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), status: 'ok' };
    };
    const ready = this.inbox.shift();
    if (ready !== undefined) {
      this.end('in', handle);
      return Promise.resolve(result(ready));
    }
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.reader = null;
        this.end('in', handle);
      };
      const timer = setTimeout(
        () => {
          finish();
          reject(new Error('transferIn error: Cancelled'));
        },
        this.readCancelAfterMs ?? timeoutMs ?? 1000,
      );
      this.reader = {
        deliver: (p) => {
          finish();
          resolve(result(p));
        },
        fail: (e) => {
          finish();
          reject(e);
        },
      };
    });
  }
}
