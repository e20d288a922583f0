import { decodeFrame, encodeFrame, frameLength, packetize, PACKET_BYTES, type Frame, type FrameError } from '../protocol/frame';
import { WAND_USB, type UsbDeviceLike, type UsbInResult } from './types';

export type TransportError =
  | { kind: 'DISCONNECTED'; message: string }
  | { kind: 'TIMEOUT' }
  | { kind: 'FRAME'; error: FrameError }
  | { kind: 'BUSY'; message: string }
  | { kind: 'ACCESS'; message: string }
  | { kind: 'USB'; message: string };

export type Exchange = { ok: true; frame: Frame; bytesOut: Uint8Array; bytesIn: Uint8Array } | { ok: false; error: TransportError };

const classify = (e: unknown): TransportError => {
  const message = e instanceof Error ? e.message : String(e);
  if (/disconnect|NO_DEVICE|not found|NetworkError/i.test(message) || (e instanceof Error && e.name === 'NetworkError')) return { kind: 'DISCONNECTED', message };
  if (/BUSY|in use|claimed/i.test(message)) return { kind: 'BUSY', message };
  if (/ACCESS|permission|EACCES/i.test(message)) return { kind: 'ACCESS', message };
  return { kind: 'USB', message };
};

/**
 * Frames over USB bulk transfers: one request, one response, each with a sequence number. Every
 * read has a timeout; a read that timed out stays pending and is reused (WebUSB cannot cancel it),
 * and input left over from an earlier exchange is drained before each request. Responses with
 * another sequence number (late answers to timed-out requests) are discarded.
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
    try {
      if (!this.device.opened) await this.device.open();
      await this.device.selectConfiguration(WAND_USB.configuration);
      await this.device.claimInterface(WAND_USB.interface);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: classify(e) };
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

  private async readPacket(timeoutMs: number): Promise<Uint8Array | 'timeout'> {
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
      const data = result.data;
      return data === undefined ? new Uint8Array(0) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    } catch (e) {
      this.pendingIn = null;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private append(packet: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + packet.length);
    joined.set(this.buffer);
    joined.set(packet, this.buffer.length);
    this.buffer = joined;
  }

  async exchange(type: number, payload: Uint8Array): Promise<Exchange> {
    try {
      // Drain anything that arrived since the last exchange.
      for (let p = await this.readPacket(0); p !== 'timeout'; p = await this.readPacket(0)) this.discarded++;
      if (this.buffer.length > 0) this.discarded++;
      this.buffer = new Uint8Array(0);

      this.seq = this.seq >= 255 ? 1 : this.seq + 1;
      const bytesOut = encodeFrame({ seq: this.seq, type, payload });
      for (const packet of packetize(bytesOut)) await this.device.transferOut(WAND_USB.endpointOut, packet);

      const deadline = Date.now() + this.timeoutMs;
      for (;;) {
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
          if (decoded.frame.seq !== this.seq && decoded.frame.seq !== 0) {
            this.discarded++;
            continue;
          }
          return { ok: true, frame: decoded.frame, bytesOut, bytesIn };
        }
        const left = deadline - Date.now();
        if (left <= 0) return { ok: false, error: { kind: 'TIMEOUT' } };
        const packet = await this.readPacket(left);
        if (packet === 'timeout') return { ok: false, error: { kind: 'TIMEOUT' } };
        this.append(packet);
      }
    } catch (e) {
      return { ok: false, error: classify(e) };
    }
  }
}
