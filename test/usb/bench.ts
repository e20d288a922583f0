// The host side of the kernel bench (runs in the guest as the last step of /init): the project's
// own driver (WandLink over WandTransport) on node-usb's WebUSB, through usbfs and the kernel's
// USB core, against the simulated wand served by device-bridge.ts through FunctionFS and
// dummy_hcd. Each case prints one `@@CASE {json}` line, each figure one `@@FIGURE {json}` line;
// usb-bench/run.mjs reads them on the serial console.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WebUSB } from 'usb';
import type { ProgramWrite, PumpSettings, PumpStatus } from '../../core/pump';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { findWand, WAND_PRODUCT_ID, WAND_VENDOR_ID } from '../../drivers/usb/detect';
import { WAND_USB, type UsbDeviceLike, type UsbInResult, type UsbOutResult } from '../../drivers/usb/types';
import { WandLink } from '../../drivers/wand-link';
import {
  decodeFrame,
  encodeFrame,
  frameLength,
  HEADER_BYTES,
  packetize,
  TRAILER_BYTES,
} from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage, MessageType, WandErrorCode } from '../../drivers/protocol/messages';
import { uuidToBytes } from '../../drivers/protocol/convert';
import { WorkerLink } from '../../drivers/worker/worker-link';
import { compareReadBack } from '../../services/read-back';
import type { BridgeCommand, BridgeReport } from './device-bridge';
import { ENDPOINT_IN, ENDPOINT_OUT, PACKET, plugGadget } from './gadget';

type Json = Record<string, unknown>;
const emit = (tag: 'CASE' | 'FIGURE' | 'INFO', body: Json): void => {
  process.stdout.write(`@@${tag} ${JSON.stringify(body)}\n`);
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Waits for `p` at most `ms`; what is left of it goes on unobserved. */
const withTimeout = (p: Promise<unknown>, ms: number) => Promise.race([p.catch(() => undefined), sleep(ms)]);
const APP = __dirname;

class Failed extends Error {}
function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Failed(message);
}

// ---------------------------------------------------------------- the device side

class Bridge {
  readonly reports: Array<BridgeReport & { seen: number }> = [];
  private readonly child: ChildProcess;
  private listeners: Array<() => void> = [];

  constructor() {
    this.child = fork(join(APP, 'device-bridge.cjs'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, UV_THREADPOOL_SIZE: '16' },
    });
    this.child.on('message', (m: BridgeReport) => {
      this.reports.push({ ...m, seen: Date.now() });
      if (m.ev === 'error') emit('INFO', { bridge: m.message });
      for (const l of this.listeners.splice(0)) l();
    });
  }

  send(command: BridgeCommand): void {
    this.child.send(command);
  }

  /** The first report from `from` on that matches. */
  async waitFor<E extends BridgeReport['ev']>(
    ev: E,
    from: number,
    timeoutMs = 5000,
    match: (r: Extract<BridgeReport, { ev: E }>) => boolean = () => true,
  ): Promise<Extract<BridgeReport, { ev: E }> & { seen: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.reports
        .slice(from)
        .find((r) => r.ev === ev && match(r as unknown as Extract<BridgeReport, { ev: E }>));
      if (found !== undefined) return found as unknown as Extract<BridgeReport, { ev: E }> & { seen: number };
      const left = deadline - Date.now();
      if (left <= 0) throw new Failed(`the device side did not report ${ev} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.listeners.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async pump(): Promise<Extract<BridgeReport, { ev: 'pump' }>> {
    const from = this.reports.length;
    this.send({ cmd: 'pump' });
    return this.waitFor('pump', from);
  }

  async stats(): Promise<{ packets: number; busyMs: number; answerMs: number }> {
    const from = this.reports.length;
    this.send({ cmd: 'stats' });
    return this.waitFor('stats', from);
  }

  async mode(mode: 'wand' | 'echo'): Promise<void> {
    const from = this.reports.length;
    this.send({ cmd: 'mode', mode });
    await this.waitFor('mode', from);
  }

  stop(): void {
    this.child.kill();
  }
}

// ---------------------------------------------------------------- the host side

const webusb = new WebUSB({ allowAllDevices: true });
type WebDevice = Awaited<ReturnType<WebUSB['getDevices']>>[number];

/** WebUSB connect / disconnect events for the wand, with the time they came. */
const hotplug: Array<{ type: 'connect' | 'disconnect'; at: number; device: WebDevice }> = [];
const isWand = (d: { vendorId: number; productId: number }) =>
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
interface Configuration {
  interfaces: Array<{
    interfaceNumber: number;
    alternates: Array<{
      alternateSetting: number;
      interfaceClass: number;
      endpoints: Array<{ endpointNumber: number; direction: 'in' | 'out'; type: string; packetSize: number }>;
    }>;
  }>;
}

async function waitForEvent(type: 'connect' | 'disconnect', from: number, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = hotplug.slice(from).find((h) => h.type === type);
    if (e !== undefined) return e;
    if (Date.now() > deadline) throw new Failed(`no WebUSB ${type} event within ${timeoutMs} ms`);
    await sleep(5);
  }
}

async function waitForWand(timeoutMs = 10_000): Promise<WebDevice> {
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
class Recorder implements UsbDeviceLike {
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

const asUsb = (d: WebDevice): UsbDeviceLike => d as unknown as UsbDeviceLike;

/** The program the pump runs, as a write. */
const runningProgram = (s: PumpStatus): PumpSettings => ({
  drug: s.drug,
  concentration: s.concentration,
  mode: s.mode,
  rate: s.rate,
  ...(s.steps === undefined ? {} : { steps: s.steps }),
  ...(s.patientBolus === undefined ? {} : { patientBolus: s.patientBolus }),
});
const writeOf = (settings: PumpSettings): ProgramWrite => ({
  sessionId: randomUUID(),
  transactionId: randomUUID(),
  settings,
});

/** How the services settle an UNCONFIRMED write when the pump is read again (services/programming.ts). */
const settle = (write: ProgramWrite, status: PumpStatus): 'confirmed' | 'rejected' =>
  status.lastTransactionId === write.transactionId &&
  compareReadBack({ ...write, reservoirVolumeMl: undefined, bridge: undefined }, status).length === 0
    ? 'confirmed'
    : 'rejected';

// ---------------------------------------------------------------- cases

interface Context {
  bridge: Bridge;
  device: WebDevice;
  recorder: Recorder;
  link: WandLink;
}

const results: Array<{ name: string; ok: boolean }> = [];

/**
 * Driver defects this bench found on the real stack, not yet fixed (docs/testing.md). A case that
 * fails by one of them is reported as KNOWN, not as a failure; a case that meets one and passes
 * is reported too, so that the entry can be removed once the driver is fixed.
 */
const KNOWN_DEFECTS: ReadonlyArray<{ id: string; pattern: RegExp; text: string }> = [
  // Fixed: K1 (node-usb's transfer timeout read as a USB error), K2 (reopening selected the
  // configuration under the process's own claim) and K3 (node-usb's 'endpoint not found' / 'device
  // not found' after an unplug not read as unplugged) in drivers/usb/transport.ts; K6 (the link
  // worker reopened the wand at every request, node-usb handing out a new object for the same
  // device, and a reopen could meet its own claim still being released: BUSY) in
  // drivers/usb/attached-wand.ts; K7 (a worker ended with a node-usb call pending aborted the
  // process) in drivers/worker/. The cases that found them run below as ordinary cases.
];

async function runCase(
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

async function replugIfGone(ctx: Context): Promise<void> {
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
function attach(ctx: Context, device: WebDevice): void {
  ctx.device = device;
  ctx.recorder = new Recorder(asUsb(device));
  ctx.link = new WandLink(ctx.recorder, { kind: 'usb' });
}

async function must<T>(
  r: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>,
  what: string,
): Promise<T> {
  const x = await r;
  if (!x.ok) throw new Failed(`${what}: ${x.error.code} ${x.error.message}`);
  return x.value;
}

/** The sysfs directory of the wand (idVendor 1209, idProduct 0001). */
function wandSysfs(): string | undefined {
  const base = '/sys/bus/usb/devices';
  for (const d of readdirSync(base)) {
    const vid = join(base, d, 'idVendor');
    if (!existsSync(vid)) continue;
    if (
      readFileSync(vid, 'utf8').trim() === '1209' &&
      readFileSync(join(base, d, 'idProduct'), 'utf8').trim() === '0001'
    )
      return join(base, d);
  }
  return undefined;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Unplugs the wand while a program write waits for its answer: the device side applies
 * `fault` at the COMMIT (before the pump sees it, or after the pump applied it but before the
 * answer left), and unbinds the gadget. After the replug, a fresh link reads the pump back and
 * the write is settled as the services settle an UNCONFIRMED session.
 */
async function unplugDuringCommit(
  ctx: Context,
  fault: 'unplug-before-request' | 'unplug-after-request',
): Promise<Json> {
  const before = await must(ctx.link.interrogate(), 'interrogate before');
  const write = writeOf({
    ...runningProgram(before),
    rate: { value: before.rate.value === '0.3' ? '0.28' : '0.3', unit: 'mL/day' },
  });
  const reports = ctx.bridge.reports.length;
  const events = hotplug.length;
  ctx.bridge.send({ cmd: 'arm', message: 'COMMIT', fault: { kind: fault } });
  const rejectedBefore = ctx.recorder.rejections.length;
  const old = ctx.recorder;
  const result = await ctx.link.program(write);
  check(!result.ok, `the write was reported ${JSON.stringify(result)} although the wand was unplugged`);
  // Checked last, so that the replug and the settlement are checked whatever the clinician was told.
  const told = result.error.message.startsWith('The wand was unplugged')
    ? null
    : `the write failed for another reason: ${result.error.message}`;
  const unplugged = await ctx.bridge.waitFor('unplugged', reports);
  const rejection = old.rejections.slice(rejectedBefore)[0];
  const disconnect = await waitForEvent('disconnect', events);
  // After the unplug: transfers on the old device fail, close() resolves.
  let afterUnplug = 'resolved';
  try {
    await old.transferOut(WAND_USB.endpointOut, new Uint8Array(8));
  } catch (e) {
    afterUnplug = e instanceof Error ? e.message : String(e);
  }
  check(afterUnplug !== 'resolved', 'a transfer on the unplugged device succeeded');
  let closed = 'did not settle within 3 s';
  await withTimeout(
    ctx.link.close().then(
      () => (closed = 'resolved'),
      (e: unknown) => (closed = String(e)),
    ),
    3000,
  );
  check(closed === 'resolved', `close() on the unplugged device: ${closed}`);
  ctx.bridge.send({ cmd: 'replug' });
  const replugged = await ctx.bridge.waitFor('replugged', reports);
  const connect = await waitForEvent('connect', events);
  check(connect.device !== disconnect.device, 'the replugged wand came back as the same device object');
  attach(ctx, connect.device);
  const after = await must(ctx.link.interrogate(), 'interrogate after the replug');
  const outcome = settle(write, after);
  const expected = fault === 'unplug-after-request' ? 'confirmed' : 'rejected';
  check(
    outcome === expected,
    `the write settled ${outcome}, expected ${expected} (pump applied ${after.lastTransactionId ?? 'none'}, sent ${write.transactionId})`,
  );
  if (fault === 'unplug-before-request')
    check(
      after.lastTransactionId === before.lastTransactionId,
      'the pump changed although the COMMIT never reached it',
    );
  check(told === null, told ?? '');
  return {
    outcome,
    lastTransactionId: after.lastTransactionId,
    pendingTransfer: rejection === undefined ? null : `${rejection.call}: ${rejection.name}: ${rejection.message}`,
    afterUnplug,
    disconnectEventMs: disconnect.at - unplugged.at,
    connectEventMs: connect.at - replugged.at,
  };
}

async function cases(ctx: Context): Promise<void> {
  await runCase('enumeration: descriptors as the wand declares them', () => {
    const d = ctx.device;
    const conf = d.configuration as Configuration | null | undefined;
    check(conf !== undefined && conf !== null, 'no active configuration');
    const iface = conf.interfaces.find((i) => i.interfaceNumber === WAND_USB.interface);
    check(iface !== undefined, 'no interface 0');
    const alt = iface.alternates.find((a) => a.alternateSetting === 0);
    check(alt !== undefined, 'interface 0 has no alternate setting 0');
    check(alt.interfaceClass === 0xff, `interface class 0x${alt.interfaceClass.toString(16)}`);
    const eps = alt.endpoints.map((e) => ({ n: e.endpointNumber, dir: e.direction, type: e.type, size: e.packetSize }));
    check(
      eps.some((e) => e.n === (ENDPOINT_OUT & 0x0f) && e.dir === 'out' && e.type === 'bulk' && e.size === PACKET),
      `no bulk OUT 0x01/64: ${JSON.stringify(eps)}`,
    );
    check(
      eps.some((e) => e.n === (ENDPOINT_IN & 0x0f) && e.dir === 'in' && e.type === 'bulk' && e.size === PACKET),
      `no bulk IN 0x81/64: ${JSON.stringify(eps)}`,
    );
    return Promise.resolve({
      vendorId: d.vendorId,
      productId: d.productId,
      serial: d.serialNumber,
      product: d.productName,
      endpoints: eps,
    });
  });

  await runCase('udev rule: device node group and mode', async () => {
    await run('udevadm', ['settle', '--timeout=5']);
    const sys = wandSysfs();
    check(sys !== undefined, 'the wand is not in /sys/bus/usb/devices');
    const bus = Number(readFileSync(join(sys, 'busnum'), 'utf8'));
    const dev = Number(readFileSync(join(sys, 'devnum'), 'utf8'));
    const node = `/dev/bus/usb/${String(bus).padStart(3, '0')}/${String(dev).padStart(3, '0')}`;
    const rule = readFileSync('/etc/udev/rules.d/70-pump-wand.rules', 'utf8')
      .split('\n')
      .find((l) => l.includes('1209') && !l.startsWith('#'));
    check(rule !== undefined, 'the rule is not installed');
    const mode = /MODE="(\d+)"/.exec(rule)?.[1];
    const group = /GROUP="([^"]+)"/.exec(rule)?.[1] ?? 'root';
    const groups = new Map(
      readFileSync('/etc/group', 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l): [string, number] => [l.split(':')[0] ?? '', Number(l.split(':')[2])]),
    );
    const st = statSync(node);
    const info = await run('udevadm', ['info', '--query=property', `--name=${node}`]);
    const tags = /^(?:CURRENT_)?TAGS=(.*)$/m.exec(info.stdout)?.[1] ?? '';
    check(mode !== undefined, 'the rule sets no MODE');
    check(
      (st.mode & 0o777) === Number.parseInt(mode, 8),
      `${node} has mode ${(st.mode & 0o777).toString(8)}, the rule ${mode}`,
    );
    check(st.gid === groups.get(group), `${node} has group ${st.gid}, the rule ${group}`);
    for (const tag of rule.match(/TAG\+="([^"]+)"/g) ?? [])
      check(tags.includes(tag.slice(6, -1)), `${node} lacks tag ${tag}: ${tags}`);
    return { node, mode: (st.mode & 0o777).toString(8), group, gid: st.gid, tags };
  });

  await runCase('interrogate', async () => {
    const s = await must(ctx.link.interrogate(), 'interrogate');
    const pump = await ctx.bridge.pump();
    check(s.serial === 'SIM000123', `serial ${s.serial}`);
    check(s.lastTransactionId === pump.lastTransactionId, 'the status and the pump disagree on the last transaction');
    return {
      serial: s.serial,
      drug: s.drug,
      rate: s.rate.value,
      reservoir: s.reservoirVolume.value,
      transfers: ctx.recorder.transfers.length,
    };
  });

  await runCase('program with read-back', async () => {
    const before = await must(ctx.link.interrogate(), 'interrogate');
    const write = writeOf(runningProgram(before));
    const r = await must(ctx.link.program(write), 'program');
    check(r.applied, 'the pump did not apply the write');
    const after = await must(ctx.link.interrogate(), 'read-back');
    const mismatches = compareReadBack(write, after);
    check(mismatches.length === 0, `read-back: ${mismatches.join('; ')}`);
    const pump = await ctx.bridge.pump();
    check(pump.lastTransactionId === write.transactionId, 'the simulated pump holds another transaction');
    // The same COMMIT again is answered and never applied twice.
    const again = await must(ctx.link.program(write), 'program again');
    check(!again.applied, 'a replayed transaction was applied again');
    return { transactionId: write.transactionId, replayApplied: again.applied };
  });

  await runCase('unplug during a pending transfer, before COMMIT reaches the pump', () =>
    unplugDuringCommit(ctx, 'unplug-before-request'),
  );
  await runCase('unplug during a pending transfer, after the pump applied COMMIT', () =>
    unplugDuringCommit(ctx, 'unplug-after-request'),
  );

  await runCase('hot-plug: disconnect and connect events', async () => {
    await must(ctx.link.interrogate(), 'interrogate');
    const reports = ctx.bridge.reports.length;
    const events = hotplug.length;
    const old = ctx.device;
    ctx.bridge.send({ cmd: 'unplug' });
    const unplugged = await ctx.bridge.waitFor('unplugged', reports);
    const disconnect = await waitForEvent('disconnect', events);
    check(disconnect.device === old, 'the disconnect event names another device');
    const absent = await findWand(webusb);
    check(absent.presence === 'absent', `after the unplug the wand is ${absent.presence}`);
    // The link still holds the old device: a request on it (a transfer on an interface that is gone),
    // then opening it again (a device node that is gone), are both "the wand was unplugged" (K3).
    const onGone: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await ctx.link.interrogate();
      onGone.push(r.ok ? 'answered' : r.error.message);
    }
    const goneRejections = ctx.recorder.rejections.slice(-2).map((r) => `${r.call}: ${r.message}`);
    check(
      onGone.every((m) => m.startsWith('The wand was unplugged')),
      `with the wand unplugged the clinician was told: ${onGone.join(' | ')} (${goneRejections.join('; ')})`,
    );
    await withTimeout(ctx.link.close(), 3000);
    ctx.bridge.send({ cmd: 'replug' });
    const replugged = await ctx.bridge.waitFor('replugged', reports);
    const connect = await waitForEvent('connect', events);
    check(connect.device !== old, 'the replugged wand is the old device object');
    attach(ctx, connect.device);
    await must(ctx.link.interrogate(), 'interrogate after the replug');
    return {
      disconnectEventMs: disconnect.at - unplugged.at,
      connectEventMs: connect.at - replugged.at,
      whileUnplugged: goneRejections,
    };
  });

  await runCase('a second claim is refused: the interface is busy', async () => {
    await must(ctx.link.interrogate(), 'interrogate (claims the interface)');
    const r = await run('node', [join(APP, 'busy-claim.cjs')]);
    const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
    check(line !== undefined, `the second process printed nothing (exit ${r.code}): ${r.stderr.slice(0, 400)}`);
    const second = JSON.parse(line) as {
      interrogate: { ok: boolean; message?: string };
      claim: { name: string; message: string } | null;
    };
    check(!second.interrogate.ok, 'the second process interrogated the pump through a claimed interface');
    check(
      second.interrogate.message?.startsWith('Another program is using the wand') === true,
      `the second process was told: ${second.interrogate.message ?? ''}`,
    );
    check(second.claim !== null, 'the raw second claim succeeded');
    // The first link still works.
    await must(ctx.link.interrogate(), 'interrogate by the first process');
    return { told: second.interrogate.message, rawClaim: second.claim };
  });

  await runCase('protocol: event log, alarm test, bolus and its replay', async () => {
    const events = await must(ctx.link.readEvents(), 'readEvents');
    check(
      events.some((e) => e.code === 'PROGRAM_APPLIED'),
      'no PROGRAM_APPLIED in the event log',
    );
    await must(ctx.link.alarmTest(), 'alarmTest');
    const bolus = { transactionId: randomUUID(), kind: 'single' as const, volumeMl: '0.1', durationMinutes: 10 };
    const first = await must(ctx.link.startBolus(bolus), 'startBolus');
    const again = await must(ctx.link.startBolus(bolus), 'startBolus again');
    check(first.applied && !again.applied, `bolus applied ${first.applied}, replay applied ${again.applied}`);
    return { events: events.length };
  });

  const faultCase = async (
    name: string,
    faults: Array<BridgeCommand & { cmd: 'inject' }>,
    expectDiscarded: boolean,
    knownDefects: string[] = [],
  ) =>
    runCase(
      name,
      async () => {
        await must(ctx.link.interrogate(), 'interrogate');
        for (const fault of faults) ctx.bridge.send(fault);
        await sleep(20);
        ctx.recorder.trace = { t0: performance.now(), lines: [] };
        const recorded = ctx.recorder.rejections.length;
        const t0 = Date.now();
        await must(ctx.link.interrogate(), 'interrogate through the fault');
        const ms = Date.now() - t0;
        await must(ctx.link.interrogate(), 'interrogate after the fault');
        ctx.recorder.trace = null;
        return {
          ms,
          expectDiscarded,
          rejections: ctx.recorder.rejections.slice(recorded).map((r) => `${r.call}: ${r.message}`),
        };
      },
      knownDefects,
    );
  await faultCase(
    'protocol: a lost answer is asked for again',
    [{ cmd: 'inject', fault: { kind: 'drop-response' } }],
    false,
  );
  await faultCase(
    'protocol: a damaged answer is asked for again',
    [{ cmd: 'inject', fault: { kind: 'corrupt-response' } }],
    false,
  );
  // The late answer's read outlives the transport's 500 ms and, under emulation, can reach its 1 s USB timeout (K1).
  await faultCase(
    'protocol: a late answer (700 ms) is discarded, the repeat is answered',
    [{ cmd: 'inject', fault: { kind: 'delay-response', ms: 700 } }],
    true,
  );
  await faultCase(
    'protocol: stale input is drained before the next request',
    [{ cmd: 'inject', fault: { kind: 'stale-input' } }],
    true,
  );

  await runCase('a wand that stops answering: "the pump did not answer", then the link works again', async () => {
    await must(ctx.link.interrogate(), 'interrogate');
    // Every attempt of the next request loses its answer (the link tries it three times).
    for (let i = 0; i < 3; i++) ctx.bridge.send({ cmd: 'inject', fault: { kind: 'drop-response' }, offset: i });
    await sleep(20);
    ctx.recorder.trace = { t0: performance.now(), lines: [] };
    const lost = await ctx.link.interrogate();
    const again = await ctx.link.interrogate();
    ctx.recorder.trace = null;
    const problems: string[] = [];
    if (lost.ok) problems.push('an interrogation answered although every answer was lost');
    else if (!lost.error.message.startsWith('The pump did not answer'))
      problems.push(`the clinician was told: ${lost.error.message}`);
    if (!again.ok) problems.push(`the next interrogation failed: ${again.error.message}`);
    check(problems.length === 0, problems.join('; '));
    return {
      told: lost.ok ? null : lost.error.message,
      rejections: ctx.recorder.rejections.map((r) => `${r.call}: ${r.message}`),
    };
  });

  await runCase(
    'reopen after a USB error with a read in flight: the wand is opened afresh, not "another program"',
    async () => {
      await must(ctx.link.interrogate(), 'interrogate');
      // The next answer is lost, so its read is still in flight when the repeat's write fails with an
      // error the driver cannot place (a USB error: the link opens the device afresh before the next request).
      ctx.bridge.send({ cmd: 'inject', fault: { kind: 'drop-response' } });
      await sleep(20);
      ctx.recorder.failOut = { skip: 1, message: 'transferOut error: InvalidArgument' };
      const calls = ctx.recorder.calls.length;
      const rejected = ctx.recorder.rejections.length;
      const failed = await ctx.link.interrogate();
      check(
        !failed.ok && failed.error.message.startsWith('USB error'),
        `the failed request was reported ${JSON.stringify(failed)}`,
      );
      const again = await ctx.link.interrogate();
      const reopen = ctx.recorder.calls.slice(calls);
      // The injected failure, and the lost answer's read ended by its USB timeout, are expected.
      const refused = ctx.recorder.rejections
        .slice(rejected)
        .filter((r) => r.call !== 'transferOut' && !(r.call === 'transferIn' && /error: Cancelled$/.test(r.message)))
        .map((r) => `${r.call}: ${r.message}`);
      check(
        again.ok,
        `the next interrogation failed: ${again.ok ? '' : again.error.message} (calls ${reopen.join(', ')}; refused ${refused.join('; ')})`,
      );
      check(
        !reopen.includes('selectConfiguration'),
        `the configuration was selected again on reopening: ${reopen.join(', ')}`,
      );
      check(refused.length === 0, `refused while reopening: ${refused.join('; ')}`);
      return { reopen, told: failed.ok ? null : failed.error.message };
    },
  );

  await clockCases(ctx);
}

/** Seconds since 2000-01-01T00:00:00Z, as the wire's u32 clock. */
const wireSeconds = (d: Date) => Math.floor((d.getTime() - Date.UTC(2000, 0, 1)) / 1000);

/**
 * Sends one raw request frame on the wand's endpoints (bypassing the driver's checks) and reads
 * its answer frame, packet by packet.
 */
async function rawExchange(dev: UsbDeviceLike, seq: number, type: number, payload: Uint8Array) {
  for (const packet of packetize(encodeFrame({ seq, type, payload })))
    await dev.transferOut(WAND_USB.endpointOut, packet, 1000);
  let bytes = new Uint8Array(0);
  for (;;) {
    const need = frameLength(bytes);
    if (typeof need === 'number' && bytes.length >= need) break;
    check(typeof need !== 'object', `the answer does not start a frame: ${JSON.stringify(need)}`);
    const r = await dev.transferIn(WAND_USB.endpointIn, PACKET, 1000);
    const d = r.data;
    check(d !== undefined && d.byteLength > 0, 'an empty IN transfer');
    const next = new Uint8Array(bytes.length + d.byteLength);
    next.set(bytes);
    next.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), bytes.length);
    bytes = next;
  }
  const frame = decodeFrame(bytes);
  check(frame.ok, `the answer is not a frame: ${frame.ok ? '' : frame.error.kind}`);
  const message = decodeMessage(frame.frame.type, frame.frame.payload);
  check(message.ok, 'the answer is not a message');
  return { seq: frame.frame.seq, message: message.message };
}

async function clockCases(ctx: Context): Promise<void> {
  await runCase('SET_CLOCK: the pump clock and the clinic UTC offset (v2), read back in STATUS', async () => {
    const before = await must(ctx.link.interrogate(), 'interrogate');
    // The simulated pump's clock runs 47 s ahead until it is set.
    const aheadMs = Date.parse(before.pumpTime) - Date.now();
    check(Math.abs(aheadMs) > 20_000, `the pump clock was already right (${aheadMs} ms) before it was set`);
    const sets: Json[] = [];
    // Shanghai (+8:00), then New York in summer (−4:00): the offset read back is the one sent.
    for (const utcOffsetMinutes of [480, -240]) {
      const time = new Date();
      await must(ctx.link.setClock({ time, utcOffsetMinutes }), `setClock ${utcOffsetMinutes}`);
      const back = await must(ctx.link.interrogate(), 'read-back');
      const pump = await ctx.bridge.pump();
      const offByMs = Date.parse(back.pumpTime) - Date.now();
      // STATUS carries whole seconds; the exchanges take well under a second.
      check(Math.abs(offByMs) <= 2000, `the pump clock read back is ${offByMs} ms off after the set`);
      check(
        back.utcOffsetMinutes === utcOffsetMinutes,
        `STATUS reports a UTC offset of ${back.utcOffsetMinutes}, ${utcOffsetMinutes} was set`,
      );
      check(pump.utcOffsetMinutes === utcOffsetMinutes, `the pump holds ${pump.utcOffsetMinutes}`);
      sets.push({ sent: time.toISOString(), utcOffsetMinutes, readBack: back.pumpTime, offByMs });
    }
    const events = await must(ctx.link.readEvents(), 'readEvents');
    check(events.at(-1)?.code === 'CLOCK_SET', `the last event is ${events.at(-1)?.code ?? 'none'}, not CLOCK_SET`);
    return { aheadBeforeMs: aheadMs, sets };
  });

  await runCase('SET_CLOCK out of range: refused before anything is sent, and by the wand on the wire', async () => {
    await must(ctx.link.interrogate(), 'interrogate');
    const pump0 = await ctx.bridge.pump();
    const refusals: Array<{ time: Date; utcOffsetMinutes: number; field: string }> = [
      { time: new Date('1999-12-31T23:59:59Z'), utcOffsetMinutes: 480, field: 'time' },
      { time: new Date('2136-02-07T06:28:16Z'), utcOffsetMinutes: 480, field: 'time' },
      { time: new Date(Number.NaN), utcOffsetMinutes: 480, field: 'time' },
      { time: new Date(), utcOffsetMinutes: 841, field: 'utcOffsetMinutes' },
      { time: new Date(), utcOffsetMinutes: -721, field: 'utcOffsetMinutes' },
      { time: new Date(), utcOffsetMinutes: 480.5, field: 'utcOffsetMinutes' },
    ];
    const told: string[] = [];
    for (const r of refusals) {
      const x = await ctx.link.setClock({ time: r.time, utcOffsetMinutes: r.utcOffsetMinutes });
      check(
        !x.ok && x.error.code === 'OUT_OF_RANGE' && x.error.field === r.field,
        `setClock(${String(r.time)}, ${r.utcOffsetMinutes}) gave ${JSON.stringify(x)}`,
      );
      told.push(x.error.message);
    }
    const pump1 = await ctx.bridge.pump();
    check(pump1.requests === pump0.requests, `${pump1.requests - pump0.requests} requests reached the wand`);
    // The wand refuses an offset outside −720…+840 sent on the wire (the driver would never send it):
    // ERROR 3 with the request's sequence, the pump unchanged.
    const payload = new Uint8Array(6);
    const view = new DataView(payload.buffer);
    view.setUint32(0, wireSeconds(new Date()), true);
    view.setInt16(4, 900, true);
    const answer = await rawExchange(ctx.recorder, 0x42, MessageType.SET_CLOCK, payload);
    check(
      answer.seq === 0x42 && answer.message.type === 'ERROR' && answer.message.code === WandErrorCode.BAD_REQUEST,
      `the wand answered ${JSON.stringify(answer)}`,
    );
    const pump2 = await ctx.bridge.pump();
    check(pump2.utcOffsetMinutes === pump0.utcOffsetMinutes, `the pump's offset became ${pump2.utcOffsetMinutes}`);
    check(
      Math.abs(Date.parse(pump2.pumpTime) - Date.parse(pump0.pumpTime)) < 10_000,
      `the pump clock moved from ${pump0.pumpTime} to ${pump2.pumpTime}`,
    );
    // The driver goes on after the raw exchange.
    const s = await must(ctx.link.interrogate(), 'interrogate after');
    check(s.utcOffsetMinutes === pump0.utcOffsetMinutes, `STATUS reports ${s.utcOffsetMinutes}`);
    return { told, wand: answer.message };
  });
}

/** Waits until `f` holds, at most `ms`. */
async function until(f: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!f() && Date.now() < deadline) await sleep(10);
  return f();
}

/**
 * The app's link worker (drivers/worker/link-worker.ts, bundled as the app bundles it) through a
 * WorkerLink, as the desktop and web hosts run the wand: one WorkerLink kept across an unplug and
 * a replug, then a request that outlives WorkerLink's timeout with a transfer pending (K7).
 */
async function workerCase(ctx: Context): Promise<void> {
  await runCase(
    'link worker: a replugged wand is found again; a worker stuck past its timeout ends safely and is replaced',
    async () => {
      // The worker claims the interface itself: this thread's link lets it go first.
      await withTimeout(ctx.link.close(), 3000);
      const frames: Array<{ direction: 'out' | 'in'; at: number }> = [];
      const worker = new WorkerLink(join(APP, 'link-worker.cjs'), { mode: 'usb' }, 10_000, (direction) =>
        frames.push({ direction, at: performance.now() }),
      );
      const thread = () => worker.worker;
      const detail: Json = {};
      try {
        emit('INFO', { workerCase: 'worker started, interrogating' });
        const first = await must(worker.interrogate(), 'interrogate through the worker');
        check(worker.wandStatus().state === 'pump-found', `state ${worker.wandStatus().state}`);
        const reports = ctx.bridge.reports.length;
        const events = hotplug.length;
        emit('INFO', { workerCase: 'unplugging' });
        ctx.bridge.send({ cmd: 'unplug' });
        await ctx.bridge.waitFor('unplugged', reports);
        await waitForEvent('disconnect', events);
        // node-usb's hot-plug events reach the worker thread or not (they did not in this guest):
        // what it reports on its own before the next request is recorded, not required.
        detail.reportedBeforeARequest = (await until(() => worker.wandStatus().state === 'disconnected', 1500))
          ? 'disconnected'
          : worker.wandStatus().state;
        const whileGone = await worker.interrogate();
        check(!whileGone.ok, 'an interrogation answered with the wand unplugged');
        check(
          worker.wandStatus().state === 'disconnected',
          `after a request with the wand unplugged the worker reports ${worker.wandStatus().state}`,
        );
        detail.whileUnplugged = whileGone.error.message;
        emit('INFO', { workerCase: 'replugging' });
        ctx.bridge.send({ cmd: 'replug' });
        await ctx.bridge.waitFor('replugged', reports);
        const connect = await waitForEvent('connect', events);
        ctx.device = connect.device;
        // The same WorkerLink, the same worker thread: it finds the replugged wand (a new device object).
        const sameThread = thread();
        const after = await must(worker.interrogate(), 'interrogate through the worker after the replug');
        check(thread() === sameThread, 'the worker was replaced to reach the replugged wand');
        check(after.serial === first.serial, `another pump: ${after.serial}`);
        const write = writeOf(runningProgram(after));
        const applied = await must(worker.program(write), 'program through the worker after the replug');
        check(applied.applied, 'the write was not applied');
        const back = await must(worker.interrogate(), 'read-back through the worker');
        const mismatches = compareReadBack(write, back);
        check(mismatches.length === 0, `read-back: ${mismatches.join('; ')}`);

        // A request outlives WorkerLink's timeout while a transfer is pending in the worker (three
        // answers lost; the timeout cut to 1.2 s, less than the link's 1.5 s of attempts): the app's
        // path to ending a stuck worker. It must end without aborting the process (K7): the worker is
        // asked to end, lets the wand go once its transfers settled, and exits by itself.
        const stuckThread = thread();
        const exitCode = new Promise<number>((r) => stuckThread.once('exit', r));
        (worker as unknown as { timeoutMs: number }).timeoutMs = 1_200;
        for (let i = 0; i < 3; i++) ctx.bridge.send({ cmd: 'inject', fault: { kind: 'drop-response' }, offset: i });
        await sleep(20);
        const before = (await ctx.bridge.pump()).requests;
        emit('INFO', { workerCase: 'a request outlives the worker timeout with a transfer pending' });
        const stuck = await worker.interrogate();
        const reached = (await ctx.bridge.pump()).requests - before;
        check(reached > 0, 'the request never reached the wand');
        check(
          !stuck.ok && stuck.error.message.includes('was reset'),
          `the request that outlived the timeout was answered ${JSON.stringify(stuck)}`,
        );
        const ended = (await withTimeout(exitCode, 8000)) as number | undefined;
        check(ended === 0, `the stuck worker thread exited with ${String(ended)} (1: ended from outside)`);
        (worker as unknown as { timeoutMs: number }).timeoutMs = 10_000;
        // The next request starts a new worker, which claims the interface the ended one let go.
        const t0 = Date.now();
        emit('INFO', { workerCase: 'interrogating through a new worker' });
        const again = await must(worker.interrogate(), 'interrogate through the new worker');
        check(thread() !== stuckThread, 'the stuck worker was not replaced');
        check(again.serial === first.serial, `another pump: ${again.serial}`);
        Object.assign(detail, { stuckTold: stuck.error.message, stuckThreadExit: ended, requestsSeen: reached });
        Object.assign(detail, { newWorkerMs: Date.now() - t0 });
      } finally {
        emit('INFO', { workerCase: 'closing' });
        await withTimeout(worker.close(), 3000);
        // The next cases use this thread's link again, on the wand's current device object.
        attach(ctx, ctx.device);
      }
      return detail;
    },
  );
}

// ---------------------------------------------------------------- figures

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

/** Groups completed transfers into exchanges: [OUT packets, IN packets]. */
function exchangesOf(transfers: Array<'o' | 'i'>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const t of transfers) {
    const last = out.at(-1);
    if (t === 'o' && (last === undefined || last[1] > 0)) out.push([1, 0]);
    else if (t === 'o' && last !== undefined) last[0]++;
    else if (last !== undefined) last[1]++;
  }
  return out;
}

/** The time within [t0, t1] during which no transfer was in flight: the host's own time. */
function hostTime(spans: Array<[number, number]>, t0: number, t1: number): number {
  const sorted = [...spans].sort((x, y) => x[0] - y[0]);
  let busy = 0;
  let end = t0;
  for (const [a, b] of sorted) {
    const from = Math.max(a, end);
    const to = Math.min(b, t1);
    if (to > from) busy += to - from;
    end = Math.max(end, b);
  }
  return t1 - t0 - busy;
}

/**
 * Each operation runs N times through the driver (device side: the simulated wand), each run
 * followed at once by the raw floor (device side: echo), so that both meet the same load on the
 * shared machine; the ratios are the medians of the per-run ratios. "Host" is the time in which no
 * transfer was in flight: encoding, decoding, checks, event-loop turns (driver) or loop overhead
 * (floor).
 */
/** The simulated wand, timing its own work. */
class TimedWand extends SimulatedWand {
  busyMs = 0;
  override handle(bytes: Uint8Array): Uint8Array {
    const t0 = performance.now();
    try {
      return super.handle(bytes);
    } finally {
      this.busyMs += performance.now() - t0;
    }
  }
}

/**
 * The driver's own computation per operation in this guest: the same operation through WandLink
 * on the in-memory device (answers at once, no USB), less the simulated wand's time.
 */
async function driverCompute(op: (link: WandLink) => Promise<void>, runs: number): Promise<number> {
  const wand = new TimedWand(new SimulatedPump(defaultSimulatedPump(new Date())));
  const link = new WandLink(new SimulatedUsbDevice(wand), { kind: 'usb' });
  for (let i = 0; i < 2; i++) await op(link);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    wand.busyMs = 0;
    const t0 = performance.now();
    await op(link);
    times.push(performance.now() - t0 - wand.busyMs);
  }
  return median(times);
}

async function figures(ctx: Context): Promise<void> {
  const N = 21;
  const rows: Json[] = [];
  const measureOp = async (name: string, opOn: (link: WandLink) => Promise<void>) => {
    const op = () => opOn(ctx.link);
    const computeMs = await driverCompute(opOn, N);
    emit('INFO', { figure: name, step: 'computed without USB' });
    await ctx.bridge.mode('wand');
    await op(); // warm-up
    // The floor replays the most frequent shape of the driver's exchanges (as completed transfers) in the warm-up runs.
    const shapes = new Map<string, { pattern: Array<[number, number]>; count: number }>();
    for (let i = 0; i < 5; i++) {
      ctx.recorder.transfers = [];
      await op();
      const p = exchangesOf(ctx.recorder.transfers);
      const k = JSON.stringify(p);
      shapes.set(k, { pattern: p, count: (shapes.get(k)?.count ?? 0) + 1 });
    }
    const pattern = [...shapes.values()].sort((a, b) => b.count - a.count)[0]?.pattern ?? [];
    // The driver's request frames, from a run with the same requests (the packets out per exchange;
    // how an answer splits into packets in varies with timing), for the floor on the same device.
    const outsOf = (exchanges: Array<[number, number]>) => JSON.stringify(exchanges.map(([outs]) => outs));
    const key = outsOf(pattern);
    let requests: Uint8Array[] = [];
    for (let i = 0; i < 10 && requests.length === 0; i++) {
      ctx.recorder.transfers = [];
      ctx.recorder.outData = [];
      await op();
      const packets = ctx.recorder.outData;
      ctx.recorder.outData = null;
      if (outsOf(exchangesOf(ctx.recorder.transfers)) !== key) continue;
      let at = 0;
      requests = pattern.map(([outs]) => {
        const frame = Buffer.concat(packets.slice(at, at + outs));
        at += outs;
        return new Uint8Array(frame);
      });
    }
    check(requests.length > 0, 'no driver run with the requests of the most frequent shape to take them from');
    // The raw floor: the same exchanges as 64-byte transfers on the same device, answered at once,
    // through the same recording wrapper as the driver's.
    const dev = ctx.recorder;
    const replay = async () => {
      for (const [outs, ins] of pattern) {
        for (let o = 0; o < outs; o++)
          await dev.transferOut(WAND_USB.endpointOut, new Uint8Array(PACKET).fill(o === outs - 1 ? ins : 0));
        for (let i = 0; i < ins; i++) await dev.transferIn(WAND_USB.endpointIn, PACKET);
      }
    };
    // The raw floor on the same device: the driver's own request frames (a fresh transaction id
    // in each run, so the pump does the same work as for the driver), sent as raw 64-byte
    // packets to the simulated wand, and its answers read as raw packets up to each frame's
    // length, nothing decoded or checked. The device side's answer time is in both this and the
    // driver's run; what differs is the host: the driver's encoding, decoding and checks.
    const prepared = () => {
      const fresh = new Map<string, Uint8Array>();
      return requests.map((bytes) => {
        const frame = decodeFrame(bytes);
        check(frame.ok, 'a recorded request is not a frame');
        const m = decodeMessage(frame.frame.type, frame.frame.payload);
        check(m.ok, 'a recorded request is not a message');
        if (!('txId' in m.message)) return packetize(bytes);
        const old = Buffer.from(m.message.txId).toString('hex');
        const txId = fresh.get(old) ?? uuidToBytes(randomUUID());
        fresh.set(old, txId);
        const e = encodeMessage({ ...m.message, txId });
        return packetize(encodeFrame({ seq: frame.frame.seq, ...e }));
      });
    };
    const sameDevice = async (frames: Uint8Array[][]) => {
      for (const packets of frames) {
        for (const p of packets) await dev.transferOut(WAND_USB.endpointOut, p, 5000);
        let have = 0;
        let need = Number.POSITIVE_INFINITY;
        for (let reads = 0; have < need; reads++) {
          check(reads < 40, `no whole answer in 40 reads (${have} bytes)`);
          const r = await dev.transferIn(WAND_USB.endpointIn, PACKET, 5000);
          const d = r.data;
          if (d === undefined) continue;
          // The frame's length field (bytes 3 and 4) from its first packet.
          if (have === 0 && d.byteLength >= 5) need = HEADER_BYTES + d.getUint16(3, true) + TRAILER_BYTES;
          have += d.byteLength;
        }
      }
    };
    await ctx.bridge.mode('wand');
    await sameDevice(prepared()); // warm-up
    emit('INFO', { figure: name, step: 'same-device floor warmed up' });
    await ctx.bridge.mode('echo');
    await replay(); // warm-up
    const runs: Array<{
      driver: number;
      driverHost: number;
      simulator: number;
      answer: number;
      floor: number;
      floorHost: number;
      echoAnswer: number;
      same: number;
      sameHost: number;
      sameAnswer: number;
      sameSimulator: number;
    }> = [];
    let otherShapes = 0;
    emit('INFO', { figure: name, step: 'echo floor warmed up; the runs' });
    for (let i = 0; i < N; i++) {
      if (i % 7 === 0) emit('INFO', { figure: name, run: i });
      await ctx.bridge.mode('wand');
      await ctx.bridge.stats();
      ctx.recorder.transfers = [];
      ctx.recorder.spans = [];
      const t0 = performance.now();
      await op();
      const t1 = performance.now();
      const driverHost = hostTime(ctx.recorder.spans, t0, t1);
      ctx.recorder.spans = null;
      if (JSON.stringify(exchangesOf(ctx.recorder.transfers)) !== key) otherShapes++;
      const device = await ctx.bridge.stats();
      await ctx.bridge.mode('echo');
      const floorSpans: Array<[number, number]> = [];
      ctx.recorder.spans = floorSpans;
      await ctx.bridge.stats();
      const f0 = performance.now();
      await replay();
      const f1 = performance.now();
      ctx.recorder.spans = null;
      const echo = await ctx.bridge.stats();
      await ctx.bridge.mode('wand');
      const frames = prepared();
      const sameSpans: Array<[number, number]> = [];
      ctx.recorder.spans = sameSpans;
      await ctx.bridge.stats();
      const s0 = performance.now();
      await sameDevice(frames);
      const s1 = performance.now();
      ctx.recorder.spans = null;
      const sameStats = await ctx.bridge.stats();
      runs.push({
        same: s1 - s0,
        sameHost: hostTime(sameSpans, s0, s1),
        sameAnswer: sameStats.answerMs,
        sameSimulator: sameStats.busyMs,
        driver: t1 - t0,
        driverHost,
        simulator: device.busyMs,
        answer: device.answerMs,
        floor: f1 - f0,
        floorHost: hostTime(floorSpans, f0, f1),
        echoAnswer: echo.answerMs,
      });
    }
    // One more run of each, traced (every transfer's submission and completion), for the console log.
    await ctx.bridge.mode('wand');
    ctx.recorder.trace = { t0: performance.now(), lines: [] };
    await op();
    const driverTrace = ctx.recorder.trace.lines;
    await ctx.bridge.mode('echo');
    ctx.recorder.trace = { t0: performance.now(), lines: [] };
    await replay();
    const floorTrace = ctx.recorder.trace.lines;
    ctx.recorder.trace = null;
    emit('INFO', { figure: name, driverTrace, floorTrace });
    await ctx.bridge.mode('wand');
    const pairs = pattern.reduce((n, [o, i]) => n + Math.max(o, i), 0);
    const m = (f: (r: (typeof runs)[number]) => number, digits = 2) => +median(runs.map(f)).toFixed(digits);
    const row = {
      operation: name,
      exchanges: pattern.length,
      packets: pattern.map(([o, i]) => `${o}+${i}`).join(' '),
      driverMs: m((r) => r.driver),
      simulatorMs: m((r) => r.simulator),
      driverHostMs: m((r) => r.driverHost),
      driverComputeMs: +computeMs.toFixed(2),
      floorMs: m((r) => r.floor),
      floorHostMs: m((r) => r.floorHost),
      ratio: m((r) => r.driver / r.floor),
      ratioWithoutSimulator: m((r) => (r.driver - r.simulator) / r.floor),
      deviceAnswerMs: m((r) => r.answer),
      echoAnswerMs: m((r) => r.echoAnswer),
      ratioWithoutDevice: m((r) => (r.driver - r.answer) / (r.floor - r.echoAnswer)),
      sameDeviceFloorMs: m((r) => r.same),
      sameDeviceFloorHostMs: m((r) => r.sameHost),
      sameDeviceAnswerMs: m((r) => r.sameAnswer),
      sameDeviceSimulatorMs: m((r) => r.sameSimulator),
      ratioSameDevice: m((r) => r.driver / r.same),
      pairs,
      perPairMs: m((r) => r.floor / pairs),
      runs: N,
      otherShapes,
    };
    emit('FIGURE', row);
    rows.push(row);
  };
  await runCase('benchmarks: driver beside the raw transfer floor', async () => {
    const status = await must(ctx.link.interrogate(), 'interrogate');
    const settings = runningProgram(status);
    await measureOp('interrogation (READ_STATUS)', async (link) => {
      await must(link.interrogate(), 'interrogate');
    });
    await measureOp('program + read-back (BEGIN_TX, STAGE_PROGRAM, COMMIT, READ_STATUS)', async (link) => {
      const write = writeOf(settings);
      const r = await must(link.program(write), 'program');
      check(r.applied, 'not applied');
      const back = await must(link.interrogate(), 'read-back');
      check(compareReadBack(write, back).length === 0, 'read-back differs');
    });
    return { figures: rows };
  });
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const t0 = Date.now();
  const bridge = new Bridge();
  await bridge.waitFor('ready', 0, 15_000);
  emit('INFO', { step: 'FunctionFS descriptors written', ms: Date.now() - t0 });
  plugGadget();
  const device = await waitForWand();
  emit('INFO', {
    step: 'wand enumerated',
    ms: Date.now() - t0,
    usb: readFileSync(join(APP, 'usb-version'), 'utf8').trim(),
  });
  const recorder = new Recorder(asUsb(device));
  const ctx: Context = { bridge, device, recorder, link: new WandLink(recorder, { kind: 'usb' }) };
  current = ctx;
  await cases(ctx);
  await figures(ctx);
  // Last: a worker thread ended with node-usb in it has aborted the whole process once (run I,
  // docs/testing.md); the steps it reached are on the console.
  await workerCase(ctx);
  const failed = results.filter((r) => !r.ok).length;
  emit('INFO', { step: 'done', cases: results.length, failed, ms: Date.now() - t0 });
  // The guest powers off next: nothing is left to release, and a release that hangs must not
  // hold the run up.
  bridge.stop();
  process.exit(failed === 0 ? 0 : 1);
}

// A stray exception or rejection (the USB library's event handling, a child process) is a failure
// with its stack, never a silent end of the bench.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (e: unknown) => {
    emit('CASE', { name: event, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    process.exit(3);
  });
}

main().catch((e: unknown) => {
  emit('CASE', { name: 'bench', ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(2);
});
