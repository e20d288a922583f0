import { decodeFrame, encodeFrame, frameLength, packetize, PACKET_BYTES } from '../protocol/frame';
import { MessageType } from '../protocol/messages';
import { WAND_USB, type UsbDeviceLike, type UsbInResult } from './types';
import {
  classifyUsbError,
  messageOf,
  TRANSFER_EXPIRED,
  TRANSFER_STALLED,
  type TransportError,
  type UsbStep,
} from './usb-errors';
import {
  activeConfiguration,
  EMPTY,
  type Exchange,
  ignore,
  MAX_DRAIN_PACKETS,
  MAX_READS,
  MAX_STALLS,
  TransportFailure,
  yieldToEventLoop,
} from './transport-bounds';

export { type Exchange, MAX_DRAIN_PACKETS, MAX_READS, MAX_STALLS } from './transport-bounds';

const NOW: Promise<'timeout'> = Promise.resolve('timeout');
/** How long a read left pending may take to end once closing (beyond its own timeout). */
const SETTLE_MARGIN_MS = 250;

/**
 * Frames over USB bulk transfers: one request, one response, each with a sequence number. Every
 * wait for an answer has a deadline; a read still pending at the deadline is kept and reused by
 * the next read (WebUSB cannot cancel it), and input left over from an earlier exchange is drained
 * before each request. Each read carries a USB timeout (`readTimeoutMs`, node-usb's extension):
 * a read that node-usb ends by it ("Cancelled") is a read in which nothing arrived, and is
 * submitted again while the answer is still awaited. Responses with another sequence number (late
 * answers to timed-out requests) are discarded, and so is any frame numbered 0 but an ERROR. A
 * stalled IN endpoint has its halt cleared, a bounded number of times.
 */
export class WandTransport {
  private seq = 0;
  private pendingIn: Promise<UsbInResult> | null = null;
  private buffer: Uint8Array = EMPTY;
  /** This transport opened the device and claimed its interface (and has not closed it since). */
  private holds = false;
  /** Late or unreadable input discarded so far (shown as link quality). */
  discarded = 0;
  /** The USB timeout of each read and write (node-usb cancels a transfer still pending then). */
  readonly readTimeoutMs: number;

  constructor(
    private readonly device: UsbDeviceLike,
    private readonly timeoutMs = 500,
  ) {
    this.readTimeoutMs = 2 * timeoutMs;
  }

  /**
   * Opens the device and claims interface 0; after a failure, opens it afresh: the read left
   * pending ends first (usb@3 keeps the interface claimed while a transfer is in flight), the
   * interface is released and the device closed, and the configuration is selected only when it
   * is not already active (usbfs refuses to set a configuration while any interface is claimed).
   */
  async open(): Promise<{ ok: true } | { ok: false; error: TransportError }> {
    await this.settlePendingRead();
    if (this.holds) await this.release();
    let step: UsbStep = 'open';
    try {
      if (!this.device.opened) await this.device.open();
      if (activeConfiguration(this.device) !== WAND_USB.configuration)
        await this.device.selectConfiguration(WAND_USB.configuration);
      step = 'claim';
      await this.device.claimInterface(WAND_USB.interface);
      this.holds = true;
      this.buffer = EMPTY;
      return { ok: true };
    } catch (e) {
      return { ok: false, error: classifyUsbError(e, step) };
    }
  }

  /** Releases the interface and closes the device; a read left pending is waited for (bounded). */
  async close(): Promise<void> {
    await this.release();
    await this.settlePendingRead();
  }

  private async release(): Promise<void> {
    this.holds = false;
    try {
      await this.device.releaseInterface(WAND_USB.interface);
    } catch {
      // Not claimed, or unplugged: nothing to release.
    }
    try {
      await this.device.close();
    } catch {
      // Closing an unplugged device fails; there is nothing left to close.
    }
  }

  /**
   * Waits until the read left pending has ended: W3C devices end it when closed, node-usb by the
   * read's timeout; a device that does neither is given up on after that timeout.
   */
  private async settlePendingRead(): Promise<void> {
    const pending = this.pendingIn;
    this.pendingIn = null;
    if (pending === null) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      pending.then(ignore, ignore),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.readTimeoutMs + SETTLE_MARGIN_MS))),
    ]);
    clearTimeout(timer);
  }

  /**
   * One packet, 'timeout' when `deadline` came first (the read stays pending), 'expired' when
   * node-usb ended the read by its USB timeout with nothing (the next read submits another), or
   * 'stall'. The packet is a view of the transfer's own buffer (each transfer gets a new one).
   */
  private async readPacket(deadline: Promise<'timeout'>): Promise<Uint8Array | 'timeout' | 'expired' | 'stall'> {
    const pending = this.submitRead();
    try {
      const result = await Promise.race([pending, deadline]);
      if (result === 'timeout') return 'timeout';
      this.pendingIn = null;
      if (result.status === 'stall') return 'stall';
      if (result.status === 'babble')
        throw new TransportFailure({ kind: 'TRANSFER', message: 'babble: the wand sent more than a packet' });
      const data = result.data;
      return data === undefined ? EMPTY : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (e) {
      this.pendingIn = null;
      if (e instanceof TransportFailure) throw e;
      const message = messageOf(e);
      if (TRANSFER_EXPIRED.test(message)) return 'expired';
      if (TRANSFER_STALLED.test(message)) return 'stall';
      throw e;
    }
  }

  /** The read in flight, submitted now if there is none. */
  private submitRead(): Promise<UsbInResult> {
    if (this.pendingIn === null) {
      const p = this.device.transferIn(WAND_USB.endpointIn, PACKET_BYTES, this.readTimeoutMs);
      p.catch(ignore); // handled where awaited; never an unhandled rejection
      this.pendingIn = p;
    }
    return this.pendingIn;
  }

  /** The input holds the start of a frame (or nothing) and not yet the whole of it. */
  private needsMore(): boolean {
    const need = frameLength(this.buffer);
    return need === undefined || (typeof need === 'number' && this.buffer.length < need);
  }

  private async clearStall(stalls: number): Promise<void> {
    if (stalls > MAX_STALLS)
      throw new TransportFailure({ kind: 'STALL', message: `the wand's IN endpoint stalled ${stalls} times` });
    await this.device.clearHalt('in', WAND_USB.endpointIn);
  }

  private append(packet: Uint8Array): void {
    if (this.buffer.length === 0) {
      this.buffer = packet;
      return;
    }
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
        if (drained > MAX_DRAIN_PACKETS)
          return { ok: false, error: { kind: 'TRANSFER', message: 'the wand sends without end' } };
        // With no read in flight (the last answer was read whole, nothing left pending by a
        // deadline) the request goes first: a read submitted now is not answered by the USB stack
        // within microtasks, so it would only be pending while the request is sent. The answer's
        // first read is submitted after the request (the wand queues its answer until it is read);
        // input that arrives unasked is dropped there, by its sequence number or as no frame.
        if (this.pendingIn === null && drained === 0) break;
        // A deadline already passed only asks "has a packet already arrived?": answered within microtasks.
        const p = await this.readPacket(NOW);
        if (p === 'timeout') break;
        await yieldToEventLoop();
        if (p === 'stall') await this.clearStall(++stalls);
        else if (p !== 'expired') this.discarded++;
      }
      if (this.buffer.length > 0) this.discarded++;
      this.buffer = EMPTY;

      this.seq = this.seq >= 255 ? 1 : this.seq + 1;
      const bytesOut = encodeFrame({ seq: this.seq, type, payload });
      for (const packet of packetize(bytesOut)) {
        try {
          await this.device.transferOut(WAND_USB.endpointOut, packet, this.timeoutMs);
        } catch (e) {
          // The wand did not take the packet in time (node-usb's USB timeout): as a lost request.
          if (TRANSFER_EXPIRED.test(messageOf(e))) return { ok: false, error: { kind: 'TIMEOUT' } };
          throw e;
        }
      }

      return await this.awaitAnswer(bytesOut, stalls);
    } catch (e) {
      if (e instanceof TransportFailure) return { ok: false, error: e.error };
      return { ok: false, error: classifyUsbError(e, 'transfer') };
    }
  }

  /**
   * Reads until the answer to the current request is whole, within one deadline (one timer for the
   * whole wait, not one per packet).
   */
  private async awaitAnswer(bytesOut: Uint8Array, stallsSoFar: number): Promise<Exchange> {
    let stalls = stallsSoFar;
    let late = false;
    /** A packet was read and the event loop has not turned since. */
    let yieldOwed = false;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        late = true;
        resolve('timeout');
      }, this.timeoutMs);
    });
    try {
      for (let reads = 0; ;) {
        const need = frameLength(this.buffer);
        if (need !== undefined && typeof need !== 'number' && need.kind === 'BAD_SYNC') {
          // Input that does not start a frame: the tail of an earlier answer that came after the
          // drain (a wand answering just past the deadline), or noise. A frame starts a packet, so
          // this input cannot hold this answer's start: it is dropped, and the answer awaited within
          // the same deadline (the frame checks apply to whatever is taken as the answer).
          this.buffer = EMPTY;
          this.discarded++;
          continue;
        }
        if (need !== undefined && typeof need !== 'number') {
          this.buffer = EMPTY;
          return { ok: false, error: { kind: 'FRAME', error: need } };
        }
        if (typeof need === 'number' && this.buffer.length >= need) {
          const whole = this.buffer.length === need;
          const bytesIn = whole ? this.buffer : this.buffer.slice(0, need);
          this.buffer = whole ? EMPTY : this.buffer.slice(need);
          const decoded = decodeFrame(bytesIn);
          if (!decoded.ok) return { ok: false, error: { kind: 'FRAME', error: decoded.error } };
          // Sequence 0 is only ever an ERROR ("the request could not be read"); anything else numbered 0,
          // or numbered for another request, is not the answer to this one.
          const answers =
            decoded.frame.seq === this.seq || (decoded.frame.seq === 0 && decoded.frame.type === MessageType.ERROR);
          if (!answers) {
            this.discarded++;
            continue;
          }
          return { ok: true, frame: decoded.frame, bytesOut, bytesIn };
        }
        if (late) return { ok: false, error: { kind: 'TIMEOUT' } };
        if (++reads > MAX_READS)
          return { ok: false, error: { kind: 'TRANSFER', message: `no whole answer in ${MAX_READS} packets` } };
        // Every packet read is followed by a turn of the event loop before the next read: a wand that
        // sends without end (frames for other requests, noise) cannot starve it.
        if (yieldOwed) await yieldToEventLoop();
        yieldOwed = false;
        const packet = await this.readPacket(deadline);
        if (packet === 'timeout') return { ok: false, error: { kind: 'TIMEOUT' } };
        if (packet === 'stall') {
          await yieldToEventLoop();
          await this.clearStall(++stalls);
          continue;
        }
        if (packet !== 'expired') this.append(packet);
        if (packet !== 'expired' && !this.needsMore()) {
          // A whole frame (or input that is none): checked at once, without a turn of the event loop
          // between the answer and the caller; the turn is owed to the next read, if there is one.
          yieldOwed = true;
          continue;
        }
        // The answer is not whole yet: the next read is submitted before yielding, so that the turn
        // of the event loop overlaps the transfer instead of delaying it.
        void this.submitRead();
        await yieldToEventLoop();
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
