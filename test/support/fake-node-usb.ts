// A stand-in for node-usb in the link worker, for unit tests (built to dist/test/fake-node-usb.cjs,
// loaded through the worker's `usbModule` hook). One wand: the driver tests' `NodeUsbLikeDevice`
// (node-usb@3's behaviour on usbfs) over the simulated wand and pump. Every call is written to
// `calls.log` in FAKE_NODE_USB_DIR when it starts and when it settles, with the thread's id, so a
// test can see whether a thread ended with a call in flight (a thread that is ended runs no more
// JavaScript: the call's end is never written). The interface claim is a file in that directory,
// so a second worker thread is refused (EBUSY) while the first holds it, as usbfs refuses a second
// process. The first thread to load the module has its first FAKE_NODE_USB_SILENT answers dropped,
// and throws an uncaught error when told to (below).
import { appendFileSync, existsSync, openSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { NodeUsbLikeDevice } from '../unit/driver-fakes-node-usb';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';

const dir = process.env.FAKE_NODE_USB_DIR ?? '.';
const log = (line: string) => appendFileSync(join(dir, 'calls.log'), `${threadId} ${line}\n`);
const claimFile = join(dir, 'claim');

let first = false;
try {
  closeSync(openSync(join(dir, 'first-thread'), 'wx'));
  first = true;
} catch {
  // another thread loaded the module first
}

class LoggedDevice {
  private readonly inner: NodeUsbLikeDevice;
  private holdsClaim = false;
  private calls = 0;

  constructor() {
    this.inner = new NodeUsbLikeDevice(new SimulatedWand(new SimulatedPump(defaultSimulatedPump(new Date()))));
    if (first) this.inner.silent = Number(process.env.FAKE_NODE_USB_SILENT ?? 0);
  }

  get vendorId() {
    return this.inner.vendorId;
  }
  get productId() {
    return this.inner.productId;
  }
  get serialNumber() {
    return this.inner.serialNumber;
  }
  get opened() {
    return this.inner.opened;
  }
  get configuration() {
    return this.inner.configuration;
  }

  /** Lets the claim file go once the inner device's kernel claim has ended (no transfer in flight). */
  private settleClaim(): void {
    const held = (this.inner as unknown as { kernelClaim: unknown }).kernelClaim !== null;
    if (!held && this.holdsClaim) {
      this.holdsClaim = false;
      rmSync(claimFile, { force: true });
    }
  }

  private logged<T>(name: string, run: () => Promise<T>): Promise<T> {
    const n = ++this.calls;
    log(`start ${name} ${n}`);
    const done = (outcome: string) => {
      this.settleClaim();
      log(`end ${name} ${n} ${outcome}`);
    };
    return run().then(
      (v) => {
        done('ok');
        return v;
      },
      (e: unknown) => {
        done(e instanceof Error ? e.message : String(e));
        throw e;
      },
    );
  }

  open() {
    return this.logged('open', () => this.inner.open());
  }
  close() {
    return this.logged('close', () => this.inner.close());
  }
  selectConfiguration() {
    return this.logged('selectConfiguration', () => this.inner.selectConfiguration());
  }
  claimInterface() {
    return this.logged('claimInterface', async () => {
      if (!this.holdsClaim) {
        if (existsSync(claimFile)) throw new Error('claimInterface error: interface is busy (errno 16)');
        closeSync(openSync(claimFile, 'wx'));
        this.holdsClaim = true;
      }
      return this.inner.claimInterface();
    });
  }
  releaseInterface() {
    return this.logged('releaseInterface', () => this.inner.releaseInterface());
  }
  clearHalt(direction: 'in' | 'out') {
    return this.logged('clearHalt', () => this.inner.clearHalt(direction));
  }
  transferOut(endpoint: number, data: Uint8Array) {
    return this.logged('transferOut', () => this.inner.transferOut(endpoint, data));
  }
  transferIn(endpoint: number, length: number, timeoutMs?: number) {
    return this.logged('transferIn', () => this.inner.transferIn(endpoint, length, timeoutMs));
  }
}

// In the first thread, an error nothing catches, thrown outside any request once the test creates
// `throw-now` in FAKE_NODE_USB_DIR (as node-usb's own event handling might throw).
if (first) {
  const poll = setInterval(() => {
    if (!existsSync(join(dir, 'throw-now'))) return;
    clearInterval(poll);
    rmSync(join(dir, 'throw-now'));
    throw new Error('node-usb stand-in: an error outside any request');
  }, 20);
  poll.unref();
}

let device: LoggedDevice | undefined;

/** node-usb's WebUSB, as far as the link worker uses it. */
export class WebUSB {
  getDevices(): Promise<LoggedDevice[]> {
    device ??= new LoggedDevice();
    return Promise.resolve([device]);
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}
