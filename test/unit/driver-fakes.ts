/** Hostile wands and misbehaving USB devices for the driver tests (not a test file itself). */
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { decodeFrame, encodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage, type Message } from '../../drivers/protocol/messages';
import { WAND_PRODUCT_ID, WAND_VENDOR_ID } from '../../drivers/usb/detect';
import type { UsbDeviceLike, UsbInResult, UsbOutResult } from '../../drivers/usb/types';
import { WandLink, type WandLinkOptions } from '../../drivers/wand-link';
import { manualClock } from './helpers';

/** One answer frame: a message with its sequence number, or raw bytes. */
export type Answer = { seq: number; message: Message } | Uint8Array;

export const frameOf = (seq: number, message: Message): Uint8Array => encodeFrame({ seq, ...encodeMessage(message) });
export const rawFrame = (seq: number, type: number, payload: Uint8Array): Uint8Array =>
  encodeFrame({ seq, type, payload });

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** The simulated wand, but every answer can be rewritten: another number, other content, extra frames. */
export class HostileWand extends SimulatedWand {
  rewrite: ((request: Message, answer: Message, seq: number) => Answer[]) | undefined;

  override handle(bytes: Uint8Array): Uint8Array {
    const genuine = super.handle(bytes);
    const rewrite = this.rewrite;
    if (rewrite === undefined) return genuine;
    const req = decodeFrame(bytes);
    const ans = decodeFrame(genuine);
    if (!req.ok || !ans.ok) return genuine;
    const request = decodeMessage(req.frame.type, req.frame.payload);
    const answer = decodeMessage(ans.frame.type, ans.frame.payload);
    if (!request.ok || !answer.ok) return genuine;
    return concat(
      rewrite(request.message, answer.message, req.frame.seq).map((a) =>
        a instanceof Uint8Array ? a : frameOf(a.seq, a.message),
      ),
    );
  }
}

export function hostileSetup(options: WandLinkOptions & { latencyMs?: number } = {}) {
  const clock = manualClock();
  const pump = new SimulatedPump(
    { ...defaultSimulatedPump(clock.now()), volumeMl: '20', volumeAt: clock.now() },
    clock.now,
  );
  const wand = new HostileWand(pump);
  const device = new SimulatedUsbDevice(wand, options.latencyMs ?? 0);
  const link = new WandLink(device, { timeoutMs: 40, retries: 2, ...options });
  return { clock, pump, wand, device, link };
}

/** A USB device whose every step can be made to fail or misbehave; counts what the driver did. */
export class FakeUsb implements UsbDeviceLike {
  readonly vendorId = WAND_VENDOR_ID;
  readonly productId = WAND_PRODUCT_ID;
  opened = false;
  reads = 0;
  writes = 0;
  clears = 0;
  constructor(
    readonly behaviour: {
      open?: () => Promise<void>;
      claim?: () => Promise<void>;
      transferIn?: (read: number) => Promise<UsbInResult>;
      transferOut?: (data: Uint8Array) => Promise<UsbOutResult>;
    } = {},
  ) {}
  open(): Promise<void> {
    this.opened = true;
    return this.behaviour.open?.() ?? Promise.resolve();
  }
  close(): Promise<void> {
    this.opened = false;
    return Promise.resolve();
  }
  selectConfiguration(): Promise<void> {
    return Promise.resolve();
  }
  claimInterface(): Promise<void> {
    return this.behaviour.claim?.() ?? Promise.resolve();
  }
  releaseInterface(): Promise<void> {
    return Promise.resolve();
  }
  transferOut(_endpoint: number, data: Uint8Array): Promise<UsbOutResult> {
    this.writes++;
    return this.behaviour.transferOut?.(data) ?? Promise.resolve({ bytesWritten: data.length, status: 'ok' });
  }
  transferIn(): Promise<UsbInResult> {
    this.reads++;
    // Never answering unless told: a pending transfer, as on a quiet bus.
    return this.behaviour.transferIn?.(this.reads) ?? new Promise<UsbInResult>(() => undefined);
  }
  clearHalt(): Promise<void> {
    this.clears++;
    return Promise.resolve();
  }
}
