// `npm run test:usb`: builds what is missing (usb-bench/build.mjs), boots the guest in QEMU and
// reports each case of the kernel-level USB bench (test/usb/bench.ts) as it passes or fails, then
// the figures. Exits non-zero when a case fails, the guest does not finish, or it takes too long.
// The guest's whole console is kept in node_modules/.cache/usb-bench-console.log; `--verbose` also
// prints it.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildAll, buildDir } from './build.mjs';

const verbose = process.argv.includes('--verbose');
const TIMEOUT_MS = Number(process.env.USB_BENCH_TIMEOUT_MS ?? 160_000);
const out = (text) => process.stdout.write(`${text}\n`);

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const built = await buildAll();
out(`usb-bench: built in ${seconds()} s (${built.kernelPackage}); booting QEMU`);

const qemu = spawn(
  'qemu-system-x86_64',
  [
    ...['-accel', 'tcg', '-cpu', 'max', '-m', '1024', '-smp', process.env.USB_BENCH_SMP ?? '2'],
    ...['-nodefaults', '-display', 'none', '-serial', 'stdio', '-no-reboot'],
    ...['-kernel', built.vmlinux, '-initrd', built.initramfs],
    // USB_BENCH_KERNEL_LOG=1 keeps the kernel's messages on the console (console.log).
    ...[
      '-append',
      `console=ttyS0 ${process.env.USB_BENCH_KERNEL_LOG === '1' ? 'loglevel=7' : 'quiet loglevel=3'} panic=-1 tsc=reliable`,
    ],
  ],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
// Beside the build folder, so that a clean build keeps the last run's console.
const consolePath = join(dirname(buildDir), 'usb-bench-console.log');
const log = createWriteStream(consolePath);
const cases = [];
const figures = [];
let exitCode = null;
/** Result lines that did not parse (a kernel message written into the middle of one, say). */
const garbled = [];
let reportedCases = null;
let fatal = null;
let pending = '';

const onLine = (line) => {
  log.write(`${line}\n`);
  if (verbose) out(`  | ${line}`);
  const m = /@@(\w+)\s?(.*)$/.exec(line);
  if (m === null) return;
  const [, tag, rest] = m;
  let body = null;
  if (tag === 'CASE' || tag === 'FIGURE' || tag === 'INFO') {
    try {
      body = JSON.parse(rest);
    } catch {
      garbled.push(line);
      return;
    }
  }
  if (tag === 'CASE') {
    const c = body;
    cases.push(c);
    const { name, ok, ms, error, known, ...detail } = c;
    const status = !ok ? 'FAIL' : known !== undefined && known.length > 0 ? 'KNOWN' : 'PASS';
    out(`${status.padEnd(5)} ${name} (${ms ?? '-'} ms)`);
    if (status !== 'PASS') out(`      ${error}`);
    if (status === 'KNOWN') for (const k of known) out(`      known driver defect ${k}`);
    else if (Object.keys(detail).length > 0 && name !== 'benchmarks: driver beside the raw transfer floor')
      out(`      ${JSON.stringify(detail)}`);
  } else if (tag === 'FIGURE') figures.push(body);
  else if (tag === 'INFO') {
    if (body.step === 'done') reportedCases = body.cases;
    out(`info  ${rest}`);
  } else if (tag === 'BOOT') out(`info  guest /init at ${rest} s of guest uptime, ${seconds()} s after start`);
  else if (tag === 'EXIT') exitCode = Number(rest);
  else if (tag === 'FATAL') fatal = rest;
};
qemu.stdout.on('data', (d) => {
  pending += d.toString().replace(/\r/g, '');
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const l of lines) onLine(l);
});
qemu.stderr.on('data', (d) => log.write(d));

const timer = setTimeout(() => {
  fatal = `the guest did not finish within ${TIMEOUT_MS / 1000} s`;
  qemu.kill('SIGKILL');
}, TIMEOUT_MS);
const qemuExit = await new Promise((resolve) => qemu.on('close', resolve));
clearTimeout(timer);
if (pending !== '') onLine(pending);
await new Promise((resolve) => log.end(resolve));

if (figures.length > 0) {
  out('');
  out('figures (medians over runs of the driver each followed by the raw floor, guest under QEMU TCG emulation):');
  for (const f of figures) {
    out(`  ${f.operation}`);
    out(
      `    driver ${f.driverMs} ms (of which the simulated wand ${f.simulatorMs} ms, the host between transfers ${f.driverHostMs} ms; the driver's computation without USB ${f.driverComputeMs} ms after ${f.warmups} runs to warm up, ${f.driverComputeColdMs} ms after two)`,
    );
    out(
      `    raw floor ${f.floorMs} ms (${f.pairs} transfer pairs, ${f.perPairMs} ms each; host between transfers ${f.floorHostMs} ms)`,
    );
    out(`    device side, request to answer: ${f.deviceAnswerMs} ms simulated wand, ${f.echoAnswerMs} ms echo`);
    out(
      `    raw floor on the same device (the driver's requests, answered by the simulated wand, nothing decoded) ${f.sameDeviceFloorMs} ms (device answer ${f.sameDeviceAnswerMs} ms, of which the simulated wand ${f.sameDeviceSimulatorMs} ms; host between transfers ${f.sameDeviceFloorHostMs} ms): driver ${f.ratioSameDevice}x`,
    );
    if (f.sameDeviceReadFirstMs !== undefined)
      out(
        `    the same with each answer's first read submitted before the request ${f.sameDeviceReadFirstMs} ms (device answer ${f.sameDeviceReadFirstAnswerMs} ms; host between transfers ${f.sameDeviceReadFirstHostMs} ms): read first / read after ${f.readFirstOverAfter}x, driver ${f.ratioSameDeviceReadFirst}x`,
      );
    out(
      `    ratio ${f.ratio}x, ${f.ratioWithoutSimulator}x without the simulated wand's computation, ${f.ratioWithoutDevice}x without the device side's answer time | packets per exchange ${f.packets} | ${f.runs} runs${f.otherShapes > 0 ? `, ${f.otherShapes} of another shape` : ''}`,
    );
  }
}
const failed = cases.filter((c) => !c.ok);
const knownCount = cases.filter((c) => c.ok && c.known !== undefined && c.known.length > 0).length;
out('');
out(
  `usb-bench: ${cases.length - failed.length - knownCount} passed, ${knownCount} failed by a known driver defect, ${failed.length} failed, ${seconds()} s in all (guest exit ${exitCode ?? 'none'}, QEMU ${qemuExit})`,
);
if (fatal !== null) out(`usb-bench: ${fatal} (console: ${consolePath})`);
for (const line of garbled) out(`usb-bench: unreadable result line: ${line}`);
// Every case the guest ran must have been read.
const complete = reportedCases !== null && reportedCases === cases.length;
if (!complete)
  out(
    `usb-bench: the guest reported ${reportedCases ?? 'no'} cases, ${cases.length} were read (console: ${consolePath})`,
  );
process.exit(failed.length === 0 && complete && exitCode === 0 && fatal === null ? 0 : 1);
