// How a case of the kernel bench runs and is reported, and the known driver defects.
import { findWand } from '../../drivers/usb/detect';
import { WandLink } from '../../drivers/wand-link';
import { type Json, emit, sleep, withTimeout, Failed } from './bench-support';
import { type Bridge } from './bridge';
import { webusb, type WebDevice, hotplug, waitForEvent, Recorder, asUsb } from './host';

export interface Context {
  bridge: Bridge;
  device: WebDevice;
  recorder: Recorder;
  link: WandLink;
}

export const results: Array<{ name: string; ok: boolean }> = [];

/**
 * Driver defects this bench found on the real stack, not yet fixed (docs/testing.md). A case that
 * fails by one of them is reported as KNOWN, not as a failure; a case that meets one and passes
 * is reported too, so that the entry can be removed once the driver is fixed.
 */
export const KNOWN_DEFECTS: ReadonlyArray<{ id: string; pattern: RegExp; text: string }> = [
  // Fixed: K1 (node-usb's transfer timeout read as a USB error), K2 (reopening selected the
  // configuration under the process's own claim) and K3 (node-usb's 'endpoint not found' / 'device
  // not found' after an unplug not read as unplugged) in drivers/usb/transport.ts; K6 (the link
  // worker reopened the wand at every request, node-usb handing out a new object for the same
  // device, and a reopen could meet its own claim still being released: BUSY) in
  // drivers/usb/attached-wand.ts; K7 (a worker ended with a node-usb call pending aborted the
  // process) in drivers/worker/. The cases that found them run below as ordinary cases.
];

export async function runCase(
  name: string,
  body: () => Promise<Json | undefined>,
  knownDefects: string[] = [],
): Promise<void> {
  const started = Date.now();
  try {
    const detail = (await body()) ?? {};
    results.push({ name, ok: true });
    emit('CASE', {
      name,
      ok: true,
      ms: Date.now() - started,
      ...detail,
      ...(knownDefects.length > 0 ? { knownDefectsNotSeen: knownDefects } : {}),
    });
  } catch (e) {
    const error = e instanceof Failed ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    const known = KNOWN_DEFECTS.filter((k) => knownDefects.includes(k.id) && k.pattern.test(error));
    // Known only when every problem is explained by a known defect.
    const explained = error.split('; ').every((part) => known.some((k) => k.pattern.test(part)));
    if (!explained) known.length = 0;
    results.push({ name, ok: known.length > 0 });
    emit('CASE', {
      name,
      ok: known.length > 0,
      known: known.map((k) => `${k.id}: ${k.text}`),
      ms: Date.now() - started,
      error,
    });
    if (current !== null) {
      if (current.recorder.trace !== null) emit('INFO', { case: name, trace: current.recorder.trace.lines });
      current.recorder.trace = null;
      // The next case starts on a fresh link to a plugged-in wand: a failure here must not fail the
      // cases after it.
      await withTimeout(current.link.close(), 3000);
      await replugIfGone(current);
      attach(current, current.device);
    }
  }
}
let current: Context | null = null;

/** The context the cases run in (a failed case reconnects it). */
export function setCurrent(ctx: Context): void {
  current = ctx;
}

export async function replugIfGone(ctx: Context): Promise<void> {
  if ((await findWand(webusb)).presence === 'attached') {
    // Plugged in: the device object is the one the last connect event brought, if it came after the
    // last disconnect (WebUSB hands out a new object per connection).
    const connect = hotplug.filter((h) => h.type === 'connect').at(-1);
    const disconnect = hotplug.filter((h) => h.type === 'disconnect').at(-1);
    if (connect !== undefined && (disconnect === undefined || connect.at > disconnect.at)) ctx.device = connect.device;
    return;
  }
  const events = hotplug.length;
  ctx.bridge.send({ cmd: 'replug' });
  ctx.device = (await waitForEvent('connect', events, 10_000)).device;
}

/** Connects a fresh link to the current wand device. */
export function attach(ctx: Context, device: WebDevice): void {
  ctx.device = device;
  ctx.recorder = new Recorder(asUsb(device));
  ctx.link = new WandLink(ctx.recorder, { kind: 'usb' });
}

export async function must<T>(
  r: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>,
  what: string,
): Promise<T> {
  const x = await r;
  if (!x.ok) throw new Failed(`${what}: ${x.error.code} ${x.error.message}`);
  return x.value;
}

/** Waits until `f` holds, at most `ms`. */
export async function until(f: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!f() && Date.now() < deadline) await sleep(10);
  return f();
}
