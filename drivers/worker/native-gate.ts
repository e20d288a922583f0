import type { UsbBus } from '../usb/attached-wand';
import type { UsbDeviceLike } from '../usb/types';

/** The gate's value once no call may start: the thread may then be ended. */
export const GATE_LOCKED = -1;

/**
 * node-usb (usb@3, over napi-rs) settles each call's promise from its own threads. A worker thread
 * ended while one of its node-usb calls is pending aborts the whole process (SIGABRT) when the call
 * settles into the environment that is gone (K7, docs/testing.md). So every node-usb call the link
 * worker makes passes this gate, a counter shared with the host thread: ≥ 0 is the number of calls
 * in flight, `GATE_LOCKED` means none is and none may start. Whoever ends the thread locks the gate
 * first (`lockIfIdle`), which succeeds only with no call in flight; a call after that is refused.
 *
 * Once `closing` is set (the worker is ending its link), only the calls that let the wand go
 * (`releaseInterface`, `close`, removing the hot-plug listeners) may start: the transfers in flight
 * end by their own USB timeouts, so the count reaches 0 in bounded time.
 */
export class NativeGate {
  /** Set in the worker when it ends its link. */
  closing = false;

  constructor(readonly cell: Int32Array = new Int32Array(new SharedArrayBuffer(4))) {}

  get inFlight(): number {
    return Math.max(0, Atomics.load(this.cell, 0));
  }

  get locked(): boolean {
    return Atomics.load(this.cell, 0) === GATE_LOCKED;
  }

  /** Counts a call in; false when the gate is locked. */
  private enter(): boolean {
    for (;;) {
      const v = Atomics.load(this.cell, 0);
      if (v < 0) return false;
      if (Atomics.compareExchange(this.cell, 0, v, v + 1) === v) return true;
    }
  }

  private leave(): void {
    Atomics.sub(this.cell, 0, 1);
  }

  /** Locks the gate when no call is in flight (or it is locked already): the thread may be ended then. */
  lockIfIdle(): boolean {
    const v = Atomics.compareExchange(this.cell, 0, 0, GATE_LOCKED);
    return v === 0 || v === GATE_LOCKED;
  }

  /** Waits until no call is in flight and locks the gate. */
  async lockWhenIdle(pollMs = 10): Promise<void> {
    while (!this.lockIfIdle()) await new Promise((r) => setTimeout(r, pollMs));
  }

  /**
   * Runs one node-usb call, counted until its promise settles. Refused (a rejected promise, nothing
   * called) when the gate is locked, or while closing unless `letsGo`.
   */
  call<T>(run: () => T, letsGo = false): T | Promise<never> {
    if ((this.closing && !letsGo) || !this.enter())
      return Promise.reject(new Error('transfer error: invalid state (the wand link is closing)'));
    let result: T;
    try {
      result = run();
    } catch (e) {
      this.leave();
      throw e;
    }
    if (!isThenable(result)) {
      this.leave();
      return result;
    }
    return result.then(
      (v) => {
        this.leave();
        return v;
      },
      (e: unknown) => {
        this.leave();
        throw e;
      },
    ) as T;
  }
}

const isThenable = (v: unknown): v is Promise<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

/** The calls that let the wand go: allowed while the link is closing. */
const LETS_GO = new Set<PropertyKey>(['releaseInterface', 'close']);

/**
 * A node-usb device whose every method call passes the gate. Properties and getters read the
 * device itself (node-usb's getters check their receiver).
 */
export function gatedDevice<D extends UsbDeviceLike>(device: D, gate: NativeGate): D {
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy(device, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let wrapped = methods.get(prop);
      if (wrapped === undefined) {
        const fn = value as (...args: unknown[]) => unknown;
        wrapped = (...args: unknown[]) => gate.call(() => fn.apply(target, args), LETS_GO.has(prop));
        methods.set(prop, wrapped);
      }
      return wrapped;
    },
  });
}

type Listener<D> = (event: { device: D }) => void;

/** What node-usb's WebUSB object offers the gate beyond `UsbBus`: its queue of hot-plug registrations. */
interface WebUsbLike<D> extends UsbBus<D & UsbDeviceLike> {
  readonly nativeEmitterQueue?: PromiseLike<unknown>;
}

/**
 * node-usb's WebUSB object with every device it hands out gated (one gated object per device
 * object, so the same device compares equal) and its hot-plug registration counted: adding or
 * removing the first or last listener starts node-usb calls of its own (`addAttach`, `removeDetach`,
 * a device listing) that settle later; the gate is held until its queue of them has settled and a
 * listing after them has answered.
 */
export function gatedBus<D extends UsbDeviceLike>(usb: WebUsbLike<D>, gate: NativeGate): UsbBus<D> {
  const devices = new WeakMap<D, D>();
  const gated = (d: D): D => {
    let g = devices.get(d);
    if (g === undefined) {
      g = gatedDevice(d, gate);
      devices.set(d, g);
    }
    return g;
  };
  const listeners = new Map<Listener<D>, Listener<D>>();
  const registered = (letsGo: boolean, register: () => void): void => {
    if (gate.closing && !letsGo) return;
    const counted = gate.call(() => {
      register();
      return (async () => {
        await usb.nativeEmitterQueue;
        await usb.getDevices().catch(() => undefined);
      })();
    }, letsGo);
    // Refused once the gate is locked (the thread is ending): nothing to register then.
    Promise.resolve(counted).catch(() => undefined);
  };
  return {
    async getDevices() {
      return (await gate.call(() => usb.getDevices())).map(gated);
    },
    addEventListener(type, listener) {
      const inner: Listener<D> = ({ device }) => listener({ device: gated(device) });
      listeners.set(listener, inner);
      registered(false, () => usb.addEventListener(type, inner));
    },
    removeEventListener(type, listener) {
      const inner = listeners.get(listener);
      if (inner === undefined) return;
      listeners.delete(listener);
      registered(true, () => usb.removeEventListener(type, inner));
    },
  };
}
