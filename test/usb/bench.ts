// The host side of the kernel bench (runs in the guest as the last step of /init): the project's
// own driver (WandLink over WandTransport) on node-usb's WebUSB, through usbfs and the kernel's
// USB core, against the simulated wand served by device-bridge.ts through FunctionFS and
// dummy_hcd. Each case prints one `@@CASE {json}` line, each figure one `@@FIGURE {json}` line;
// usb-bench/run.mjs reads them on the serial console.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WandLink } from '../../drivers/wand-link';
import { plugGadget } from './gadget';
import { emit, APP } from './bench-support';
import { Bridge } from './bridge';
import { waitForWand, Recorder, asUsb } from './host';
import { type Context, results, setCurrent } from './case-runner';
import { stackCases } from './stack-cases';
import { protocolCases } from './protocol-cases';
import { clockCases } from './clock-cases';
import { workerCase } from './worker-case';
import { conformanceCases } from './conformance-cases';
import { figures } from './figures';

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
  setCurrent(ctx);
  await stackCases(ctx);
  await protocolCases(ctx);
  await clockCases(ctx);
  await conformanceCases(ctx);
  await figures(ctx);
  // Last: it ends worker threads that hold node-usb (K7, docs/testing.md); the steps it reaches are
  // printed on the console.
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
