import { describe, expect, it } from 'vitest';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { MAX_STALLS } from '../../drivers/usb/transport';
import { classifyUsbError, type TransportError, type UsbStep } from '../../drivers/usb/usb-errors';
import type { UsbInResult } from '../../drivers/usb/types';
import { WandLink } from '../../drivers/wand-link';
import { FakeUsb } from './driver-fakes';
import { manualClock } from './helpers';

/** node-usb's libusb errors carry the libusb code as `errno`. */
const libusb = (message: string, errno: number) => Object.assign(new Error(message), { errno });

describe('a stalled IN endpoint', () => {
  it('has its halt cleared, a bounded number of times, then is reported', async () => {
    const device = new FakeUsb({ transferIn: () => Promise.resolve<UsbInResult>({ status: 'stall' }) });
    const link = new WandLink(device, { timeoutMs: 1500 });
    const started = Date.now();
    const r = await link.interrogate();
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'COMMUNICATION_FAILED', message: expect.stringContaining('stalled') as unknown },
    });
    expect(device.clears).toBe(MAX_STALLS);
    expect(device.reads).toBeLessThanOrEqual(MAX_STALLS + 1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers normally once the halt is cleared', async () => {
    const clock = manualClock();
    class StallOnce extends SimulatedUsbDevice {
      stalls = 1;
      clears = 0;
      override transferIn(endpoint: number, length: number): Promise<UsbInResult> {
        if (this.stalls > 0) {
          this.stalls--;
          return Promise.resolve({ status: 'stall' });
        }
        return super.transferIn(endpoint, length);
      }
      override clearHalt(): Promise<void> {
        this.clears++;
        return super.clearHalt();
      }
    }
    const device = new StallOnce(new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)));
    const link = new WandLink(device, { timeoutMs: 40 });
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
    expect(device.clears).toBe(1);
  });

  it('yields to the event loop while a device answers synchronously, and stops reading', async () => {
    let timerFiredAtRead: number | undefined;
    const empty = new DataView(new ArrayBuffer(0));
    const device = new FakeUsb({ transferIn: () => Promise.resolve<UsbInResult>({ status: 'ok', data: empty }) });
    setTimeout(() => (timerFiredAtRead = device.reads), 0);
    const link = new WandLink(device, { timeoutMs: 300 });
    const r = await link.interrogate();
    expect(r.ok).toBe(false);
    expect(timerFiredAtRead).toBeDefined();
    expect(timerFiredAtRead ?? Infinity).toBeLessThan(50); // timers ran while the driver was still reading
    expect(device.reads).toBeLessThan(1500); // bounded, not hundreds of thousands
  });
});

describe('USB errors by their cause', () => {
  const dom = (name: string, message: string) => new DOMException(message, name);
  it.each<[string, UsbStep, unknown, TransportError['kind']]>([
    ['W3C claim refused (NetworkError)', 'claim', dom('NetworkError', 'Unable to claim interface.'), 'BUSY'],
    [
      'W3C device gone (NotFoundError)',
      'transfer',
      dom('NotFoundError', 'The device was disconnected.'),
      'DISCONNECTED',
    ],
    [
      'W3C transfer error (NetworkError)',
      'transfer',
      dom('NetworkError', 'A transfer error has occurred.'),
      'TRANSFER',
    ],
    ['W3C no permission (SecurityError)', 'open', dom('SecurityError', 'Access denied.'), 'ACCESS'],
    [
      'W3C not open (InvalidStateError)',
      'transfer',
      dom('InvalidStateError', 'The device must be opened first.'),
      'STATE',
    ],
    ['libusb busy', 'claim', libusb('LIBUSB_ERROR_BUSY', -6), 'BUSY'],
    [
      'errno 16 busy',
      'claim',
      Object.assign(new Error('claimInterface error: Device or resource busy (os error 16)'), { errno: 16 }),
      'BUSY',
    ],
    ['libusb no permission', 'open', libusb('LIBUSB_ERROR_ACCESS', -3), 'ACCESS'],
    ['Rust permission denied', 'open', new Error('open error: Permission denied (os error 13)'), 'ACCESS'],
    ['libusb no device', 'transfer', libusb('LIBUSB_ERROR_NO_DEVICE', -4), 'DISCONNECTED'],
    ['node-usb "Disconnected"', 'transfer', new Error('transferIn error: Disconnected'), 'DISCONNECTED'],
    ['node-usb "Fault"', 'transfer', new Error('transferIn error: Fault'), 'TRANSFER'],
    [
      'node-usb@3 "endpoint not found" (the interface went with the wand)',
      'transfer',
      new Error('transferOut error: endpoint not found'),
      'DISCONNECTED',
    ],
    [
      'node-usb@3 open of a wand that is gone',
      'open',
      new Error('open error: device not found (errno 2)'),
      'DISCONNECTED',
    ],
    [
      'node-usb@3 claim of a wand that is gone',
      'claim',
      new Error('claimInterface error: device disconnected (errno 19)'),
      'DISCONNECTED',
    ],
    [
      'node-usb@3 claim refused (errno 16)',
      'claim',
      new Error('claimInterface error: interface is busy (errno 16)'),
      'BUSY',
    ],
    [
      'node-usb@3 configuration refused (errno 16)',
      'open',
      new Error('selectConfiguration error: device is busy (errno 16)'),
      'BUSY',
    ],
    ['node-usb@3 not open', 'claim', new Error('claimInterface error: invalid state'), 'STATE'],
    [
      'node-usb@3 release of an interface not claimed',
      'claim',
      new Error('releaseInterface error: not claimed'),
      'STATE',
    ],
    ['node-usb@3 no permission (errno 13)', 'open', new Error('open error: Permission denied (errno 13)'), 'ACCESS'],
    ['W3C AbortError on a transfer', 'transfer', dom('AbortError', 'The transfer was cancelled.'), 'TRANSFER'],
    [
      'W3C NetworkError on a transfer is not "busy"',
      'transfer',
      dom('NetworkError', 'A transfer error has occurred.'),
      'TRANSFER',
    ],
    ['anything else', 'transfer', new Error('something odd'), 'USB'],
  ])('%s', (_name, step, error, kind) => {
    expect(classifyUsbError(error, step).kind).toBe(kind);
  });

  it.each<[string, FakeUsb, string, string]>([
    [
      'a claim refused with NetworkError is another program, not an unplugged wand',
      new FakeUsb({ claim: () => Promise.reject(new DOMException('Unable to claim interface.', 'NetworkError')) }),
      'WAND_NOT_FOUND',
      'Another program',
    ],
    [
      'LIBUSB_ERROR_BUSY on claim',
      new FakeUsb({ claim: () => Promise.reject(libusb('LIBUSB_ERROR_BUSY', -6)) }),
      'WAND_NOT_FOUND',
      'Another program',
    ],
    [
      'LIBUSB_ERROR_ACCESS on open',
      new FakeUsb({ open: () => Promise.reject(libusb('LIBUSB_ERROR_ACCESS', -3)) }),
      'WAND_NOT_FOUND',
      'No permission',
    ],
    [
      '"Disconnected" on a transfer',
      new FakeUsb({ transferOut: () => Promise.reject(new Error('transferOut error: Disconnected')) }),
      'COMMUNICATION_FAILED',
      'unplugged',
    ],
    [
      '"Fault" on a transfer is retried, then named, never "unplugged"',
      new FakeUsb({ transferIn: () => Promise.reject(new Error('transferIn error: Fault')) }),
      'COMMUNICATION_FAILED',
      'USB transfer',
    ],
  ])('%s', async (_name, device, code, text) => {
    const link = new WandLink(device, { timeoutMs: 40 });
    const r = await link.interrogate();
    expect(r).toMatchObject({ ok: false, error: { code, message: expect.stringContaining(text) as unknown } });
  });

  it('retries a transfer fault: a single fault does not fail the interrogation', async () => {
    const clock = manualClock();
    class FaultOnce extends SimulatedUsbDevice {
      transferFaults = 1;
      override transferIn(endpoint: number, length: number): Promise<UsbInResult> {
        if (this.transferFaults > 0 && this.requests === 1) {
          this.transferFaults--;
          return Promise.reject(new Error('transferIn error: Fault'));
        }
        return super.transferIn(endpoint, length);
      }
    }
    const device = new FaultOnce(new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)));
    const link = new WandLink(device, { timeoutMs: 40 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    expect(device.transferFaults).toBe(0);
  });
});
