// The host side of the bench: node-usb's WebUSB, the hot-plug events, the recording device
// wrapper the driver talks through, and the programs the cases write.
import { randomUUID } from 'node:crypto';
import { WebUSB } from 'usb';
import type { ProgramWrite, PumpSettings, PumpStatus } from '../../core/pump';
import { findWand, WAND_PRODUCT_ID, WAND_VENDOR_ID } from '../../drivers/usb/detect';
import { type UsbDeviceLike, type UsbInResult, type UsbOutResult } from '../../drivers/usb/types';
import { compareReadBack } from '../../services/read-back';
import { sleep, Failed } from './bench-support';

export const webusb = new WebUSB({ allowAllDevices: true });
export type WebDevice = Awaited<ReturnType<WebUSB['getDevices']>>[number];

/** WebUSB connect / disconnect events for the wand, with the time they came. */
export const hotplug: Array<{ type: 'connect' | 'disconnect'; at: number; device: WebDevice }> = [];
export const isWand = (d: { vendorId: number; productId: number }) =>
  d.vendorId === WAND_VENDOR_ID && d.productId === WAND_PRODUCT_ID;
for (const type of ['connect', 'disconnect'] as const) {
  webusb.addEventListener(type, (e: Event) => {
    const device = (e as unknown as { device: WebDevice }).device;
    let wand: boolean;
    try {
      wand = isWand(device);
    } catch {
      // node-usb cannot read a device's ids while one of its calls holds the device (it throws
      // "cannot be borrowed mutably"): the only device on this bus besides its root hub is the wand.
      wand = true;
    }
    if (wand) hotplug.push({ type, at: Date.now(), device });
  });
}

/** The parts of a WebUSB configuration the enumeration case reads. */
export interface Configuration {
  interfaces: Array<{
    interfaceNumber: number;
    alternates: Array<{
      alternateSetting: number;
      interfaceClass: number;
      endpoints: Array<{ endpointNumber: number; direction: 'in' | 'out'; type: string; packetSize: number }>;
    }>;
  }>;
}

export async function waitForEvent(type: 'connect' | 'disconnect', from: number, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = hotplug.slice(from).find((h) => h.type === type);
    if (e !== undefined) return e;
    if (Date.now() > deadline) throw new Failed(`no WebUSB ${type} event within ${timeoutMs} ms`);
    await sleep(5);
  }
}

export async function waitForWand(timeoutMs = 10_000): Promise<WebDevice> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await findWand(webusb);
    if (found.presence === 'attached') return found.device;
    if (Date.now() > deadline)
      throw new Failed(`the wand was not enumerated within ${timeoutMs} ms (${found.presence})`);
    await sleep(20);
  }
}

/** The device as the driver uses it, recording every completed transfer and every rejection. */
export class Recorder implements UsbDeviceLike {
  transfers: Array<'o' | 'i'> = [];
  readonly rejections: Array<{ call: string; name: string; message: string }> = [];
  /** When set, each transfer's start and end with the time since `trace.t0` (frame seq and type of each packet). */
  trace: { t0: number; lines: string[] } | null = null;
  private note(text: string): void {
    if (this.trace !== null) this.trace.lines.push(`${(performance.now() - this.trace.t0).toFixed(1)}ms ${text}`);
  }
  constructor(readonly device: UsbDeviceLike) {}
  get vendorId() {
    return this.device.vendorId;
  }
  get productId() {
    return this.device.productId;
  }
  get serialNumber() {
    return this.device.serialNumber;
  }
  get opened() {
    return this.device.opened;
  }
  get configuration() {
    return this.device.configuration;
  }
  /** After `skip` more transferOut calls, the next one rejects with `message` instead of sending (a USB error the driver cannot place). */
  failOut: { skip: number; message: string } | null = null;
  /** Every call made, in order (open, selectConfiguration, claimInterface, releaseInterface, close). */
  readonly calls: string[] = [];
  private async watch<T>(call: string, p: Promise<T>): Promise<T> {
    if (!call.startsWith('transfer')) this.calls.push(call);
    try {
      return await p;
    } catch (e) {
      this.rejections.push({
        call,
        name: e instanceof Error ? e.name : typeof e,
        message: e instanceof Error ? e.message : String(e),
      });
      throw e;
    }
  }
  open() {
    return this.watch('open', this.device.open());
  }
  close() {
    return this.watch('close', this.device.close());
  }
  selectConfiguration(n: number) {
    return this.watch('selectConfiguration', this.device.selectConfiguration(n));
  }
  claimInterface(n: number) {
    return this.watch('claimInterface', this.device.claimInterface(n));
  }
  releaseInterface(n: number) {
    return this.watch('releaseInterface', this.device.releaseInterface(n));
  }
  clearHalt(direction: 'in' | 'out', n: number) {
    return this.watch('clearHalt', this.device.clearHalt(direction, n));
  }
  /** When set, each transfer's [submitted, settled] times (performance.now()). */
  spans: Array<[number, number]> | null = null;
  private span<T>(p: Promise<T>): Promise<T> {
    const spans = this.spans;
    if (spans === null) return p;
    const start = performance.now();
    const done = () => void spans.push([start, performance.now()]);
    p.then(done, done);
    return p;
  }
  /** When set, a copy of every OUT packet sent. */
  outData: Uint8Array[] | null = null;
  async transferOut(n: number, data: Uint8Array, timeoutMs?: number): Promise<UsbOutResult> {
    this.outData?.push(data.slice());
    this.note(`out ${data.length} B ${Buffer.from(data.subarray(0, 6)).toString('hex')}`);
    let fail: string | null = null;
    if (this.failOut !== null && this.failOut.skip-- === 0) {
      fail = this.failOut.message;
      this.failOut = null;
    }
    const r = await this.watch(
      'transferOut',
      fail === null ? this.span(this.device.transferOut(n, data, timeoutMs)) : Promise.reject(new Error(fail)),
    );
    this.transfers.push('o');
    return r;
  }
  async transferIn(n: number, length: number, timeoutMs?: number): Promise<UsbInResult> {
    this.note('in submitted');
    try {
      const r = await this.watch('transferIn', this.span(this.device.transferIn(n, length, timeoutMs)));
      this.transfers.push('i');
      const d = r.data;
      this.note(
        `in ${d?.byteLength ?? 0} B ${d === undefined ? '' : Buffer.from(d.buffer, d.byteOffset, Math.min(6, d.byteLength)).toString('hex')}`,
      );
      return r;
    } catch (e) {
      this.note(`in rejected: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }
}

export const asUsb = (d: WebDevice): UsbDeviceLike => d as unknown as UsbDeviceLike;

/** The program the pump runs, as a write. */
export const runningProgram = (s: PumpStatus): PumpSettings => ({
  drug: s.drug,
  concentration: s.concentration,
  mode: s.mode,
  rate: s.rate,
  ...(s.steps === undefined ? {} : { steps: s.steps }),
  ...(s.patientBolus === undefined ? {} : { patientBolus: s.patientBolus }),
});
export const writeOf = (settings: PumpSettings): ProgramWrite => ({
  sessionId: randomUUID(),
  transactionId: randomUUID(),
  settings,
});

/** How the services settle an UNCONFIRMED write when the pump is read again (services/programming.ts). */
export const settle = (write: ProgramWrite, status: PumpStatus): 'confirmed' | 'rejected' =>
  status.lastTransactionId === write.transactionId &&
  compareReadBack({ ...write, reservoirVolumeMl: undefined, bridge: undefined }, status).length === 0
    ? 'confirmed'
    : 'rejected';
