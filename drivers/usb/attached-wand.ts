import type { BolusWrite, ProgramWrite, PumpEvent, PumpStatus, WandStatus } from '../../core/pump';
import { said } from '../../core/messages';
import { err, ok, type Result } from '../../core/result';
import type { PumpClockSetting, PumpLink } from '../link';
import { findWand, WAND_PRODUCT_ID, WAND_VENDOR_ID } from './detect';
import type { UsbDeviceLike } from './types';

type HotplugListener<D> = (event: { device: D }) => void;

/** The part of a W3C `USB` object (node-usb's WebUSB) the link needs: the devices and the hot-plug events. */
export interface UsbBus<D extends UsbDeviceLike> {
  getDevices(): Promise<ReadonlyArray<D>>;
  addEventListener(type: 'connect' | 'disconnect', listener: HotplugListener<D>): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: HotplugListener<D>): void;
}

/** A link over one device (a `WandLink`). */
export type DeviceLink = PumpLink &
  Required<Pick<PumpLink, 'startBolus' | 'setClock' | 'alarmTest' | 'readEvents' | 'wasApplied'>>;

const DISCONNECTED: WandStatus = { state: 'disconnected', linkQuality: null, pumpSerial: null };

/** Whether a device is the wand; node-usb can throw reading the ids of a device one of its calls holds. */
function isWand(device: { vendorId: number; productId: number }): boolean | undefined {
  try {
    return device.vendorId === WAND_VENDOR_ID && device.productId === WAND_PRODUCT_ID;
  } catch {
    return undefined;
  }
}

/**
 * A device's identity on the bus, when it has one: node-usb's `handle` (nusb's id of the device,
 * its bus and address), else `bus` and `address`. A replugged device gets another address.
 */
function busIdentity(device: object): string | undefined {
  try {
    const { handle, bus, address } = device as { handle?: unknown; bus?: unknown; address?: unknown };
    if (typeof handle === 'string' && handle !== '') return `handle ${handle}`;
    if ((typeof bus === 'string' || typeof bus === 'number') && typeof address === 'number')
      return `bus ${bus} address ${address}`;
  } catch {
    // node-usb can throw reading a device one of its calls holds: no identity then.
  }
  return undefined;
}

/**
 * Whether two device objects are the same device on the bus (the same connection). node-usb's
 * `getDevices()` hands out new objects at every call for devices that did not change (K6), so the
 * object alone does not tell; a device without a bus identity is compared as an object.
 */
export function sameDevice(a: object, b: object): boolean {
  if (a === b) return true;
  const id = busIdentity(a);
  return id !== undefined && id === busIdentity(b);
}

/** After this long, a claim refused BUSY is not retried: another program holds the wand. */
export const OWN_RELEASE_MS = 1_500;

/**
 * The wand on a USB bus, whichever device object it is now. A replugged wand is a new device (WebUSB
 * hands out a new object per connection): when the wand's device goes (a `disconnect` event, or
 * the bus no longer listing it at the next request), its link is closed and dropped, and the wand
 * is found again and opened afresh. With no wand attached a request fails at once with
 * `WAND_NOT_FOUND`, nothing sent; a wand plugged in later is found by the next request. The link worker uses it (drivers/worker/link-worker.ts).
 */
export class AttachedWandLink<D extends UsbDeviceLike> implements PumpLink {
  readonly kind = 'usb' as const;
  private current: { device: D; link: DeviceLink } | null = null;
  /** The link of a device that went, still closing: a new link waits for it (its claim and reads end first). */
  private closing: Promise<void> = Promise.resolve();
  private readonly onDisconnect: HotplugListener<D>;
  private readonly onConnect: HotplugListener<D>;

  constructor(
    private readonly bus: UsbBus<D>,
    /**
     * Opens a link on a device. `busyRetryMs` is set when this link let a claim of the wand go a
     * moment ago: a claim refused BUSY then is this process's own, still being released, and is
     * retried for that long (K6).
     */
    private readonly open: (device: D, options: { busyRetryMs: number }) => DeviceLink,
    /** Called when the wand in use is unplugged. */
    private readonly unplugged?: () => void,
  ) {
    this.onDisconnect = ({ device }) => {
      if (this.current === null || !sameDevice(this.current.device, device)) return;
      this.drop();
      this.unplugged?.();
    };
    // A wand connected while another device object is in use (its disconnect event missed): the old one is gone.
    this.onConnect = ({ device }) => {
      if (this.current !== null && !sameDevice(this.current.device, device) && isWand(device) !== false) this.drop();
    };
    bus.addEventListener('disconnect', this.onDisconnect);
    bus.addEventListener('connect', this.onConnect);
  }

  /** The device in use now (undefined when none is). */
  get device(): D | undefined {
    return this.current?.device;
  }

  /** When the link of a dropped device last finished closing (its claim let go). */
  private releasedAt = -Infinity;

  private drop(): void {
    const gone = this.current;
    this.current = null;
    if (gone !== null) {
      const closed = gone.link
        .close()
        .catch(() => undefined)
        .then(() => {
          this.releasedAt = Date.now();
        });
      this.closing = Promise.all([this.closing, closed]).then(() => undefined);
    }
  }

  /**
   * The link to the wand as it is attached now. The bus is asked at every request: node-usb's
   * hot-plug events are not delivered to every thread (the kernel bench found a worker thread that
   * never saw the unplug), so a link whose device is no longer on the bus, or is another device
   * than the wand now attached (by bus identity: `sameDevice`), is dropped here whatever the
   * events said.
   */
  private async link(): Promise<Result<DeviceLink>> {
    const found = await findWand(this.bus);
    const inUse = this.current;
    if (inUse !== null) {
      // No answer from the bus (no-usb-subsystem): keep what works.
      if (found.presence !== 'absent' && (found.presence !== 'attached' || sameDevice(found.device, inUse.device)))
        return ok(inUse.link);
      this.drop();
    }
    if (found.presence !== 'attached') {
      const cause = found.presence === 'absent' ? 'noWandAttached' : 'noUsb';
      return err(said('WAND_NOT_FOUND', cause, {}));
    }
    // The link of a device that went ends first (its claim and reads), then the new one opens.
    await this.closing;
    // Another request may have opened it meanwhile.
    const now = this.current;
    if (now !== null && sameDevice(now.device, found.device)) return ok(now.link);
    if (now !== null) this.drop();
    const sinceRelease = Date.now() - this.releasedAt;
    const link = this.open(found.device, { busyRetryMs: Math.max(0, OWN_RELEASE_MS - sinceRelease) });
    this.current = { device: found.device, link };
    return ok(link);
  }

  /**
   * Runs one request on the wand's link. A link that found its device gone (its state
   * `disconnected` after the request: the unplug's event may come later, or never) is dropped, so
   * the next request looks for the wand again.
   */
  private async run<T>(request: (link: DeviceLink) => Promise<Result<T>>): Promise<Result<T>> {
    const l = await this.link();
    if (!l.ok) return l;
    const r = await request(l.value);
    if (this.current?.link === l.value && l.value.wandStatus().state === 'disconnected') this.drop();
    return r;
  }

  interrogate(signal?: AbortSignal): Promise<Result<PumpStatus>> {
    return this.run((l) => l.interrogate(signal));
  }

  program(write: ProgramWrite): Promise<Result<{ applied: boolean }>> {
    return this.run((l) => l.program(write));
  }

  startBolus(write: BolusWrite): Promise<Result<{ applied: boolean }>> {
    return this.run((l) => l.startBolus(write));
  }

  setClock(clock: PumpClockSetting): Promise<Result<null>> {
    return this.run((l) => l.setClock(clock));
  }

  alarmTest(): Promise<Result<null>> {
    return this.run((l) => l.alarmTest());
  }

  wasApplied(transactionId: string, serial: string): Promise<Result<boolean>> {
    return this.run((l) => l.wasApplied(transactionId, serial));
  }

  readEvents(): Promise<Result<PumpEvent[]>> {
    return this.run((l) => l.readEvents());
  }

  wandStatus(): WandStatus {
    return this.current === null ? { ...DISCONNECTED } : this.current.link.wandStatus();
  }

  async close(): Promise<void> {
    this.bus.removeEventListener('disconnect', this.onDisconnect);
    this.bus.removeEventListener('connect', this.onConnect);
    this.drop();
    await this.closing;
  }
}
