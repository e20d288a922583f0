// Builds the kernel-level USB bench from Debian packages and the project's sources into
// node_modules/.cache/usb-bench/ (or $USB_BENCH_BUILD), out of git's and the linters' way:
//   kernel/vmlinux      the Debian kernel, uncompressed, booted directly by QEMU
//   kernel/modules/     the USB, gadget and FunctionFS modules the guest loads by path
//   app/                the guest programs (test/usb/*.ts bundled with esbuild) and node-usb
//   initramfs.cpio      busybox, the modules, node and its libraries, systemd-udevd, the app
// The kernel is fetched once (apt-get download) and kept; the app and the initramfs are rebuilt on
// every run, so the bench always tests the sources as they are.
import { execFileSync, spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tree, writeCpio } from './initramfs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
export const buildDir = process.env.USB_BENCH_BUILD ?? join(root, 'node_modules', '.cache', 'usb-bench');

/** Kernel modules, in load order (the package has no modules.dep). */
export const MODULES = ['usb-common', 'usbcore', 'udc-core', 'configfs', 'libcomposite', 'usb_f_fs', 'dummy_hcd'];
/** Guest programs: TypeScript entry points under test/usb/, and the app's link worker (run by the bench as the app runs it). */
const ENTRIES = ['device-bridge', 'bench', 'busy-claim'];
const WORKER = join('drivers', 'worker', 'link-worker.ts');

const log = (text) => process.stderr.write(`usb-bench: ${text}\n`);
const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28, ...options });

function need(command, debianPackage) {
  try {
    run('sh', ['-c', `command -v ${command}`]);
  } catch {
    throw new Error(`${command} is missing: apt-get install -y ${debianPackage}`);
  }
}

/** The newest Debian 6.1 kernel package for amd64 (linux-image-6.1.0-NN-amd64). */
function kernelPackage() {
  const out = run('apt-cache', ['search', '--names-only', '^linux-image-6\\.1\\.0-[0-9]+-amd64$']).toString();
  const names = out
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => /^linux-image-6\.1\.0-\d+-amd64$/.test(n));
  names.sort((a, b) => Number(a.split('-')[3]) - Number(b.split('-')[3]));
  const name = names.at(-1);
  if (name === undefined) throw new Error('no linux-image-6.1.0-NN-amd64 package known to apt (run apt-get update)');
  return name;
}

/** The uncompressed kernel: the bzImage's payload is one xz stream. */
function extractVmlinux(bzImage, out) {
  const image = readFileSync(bzImage);
  const at = image.indexOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
  if (at < 0) throw new Error(`${bzImage}: no xz payload`);
  // Bytes after the stream (the setup data) make xz exit non-zero: the kernel is checked instead.
  const vmlinux = spawnSync('xz', ['-dc', '--single-stream'], { input: image.subarray(at), maxBuffer: 1 << 30 }).stdout;
  if (vmlinux === null || vmlinux.length < 4 || vmlinux.readUInt32BE(0) !== 0x7f454c46)
    throw new Error(`${bzImage}: the payload is not an ELF kernel`);
  writeFileSync(out, vmlinux);
}

function buildKernel() {
  const dir = join(buildDir, 'kernel');
  if (existsSync(join(dir, 'vmlinux')) && MODULES.every((m) => existsSync(join(dir, 'modules', `${m}.ko`)))) return;
  const pkg = kernelPackage();
  log(`fetching ${pkg}`);
  const work = join(buildDir, 'kernel.tmp');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  run('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', pkg], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
  if (deb === undefined) throw new Error(`apt-get download ${pkg} left no .deb`);
  run('dpkg-deb', ['-x', join(work, deb), join(work, 'x')]);
  const boot = join(work, 'x', 'boot');
  const bz = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
  if (bz === undefined) throw new Error(`${pkg} has no vmlinuz`);
  mkdirSync(join(work, 'out', 'modules'), { recursive: true });
  extractVmlinux(join(boot, bz), join(work, 'out', 'vmlinux'));
  const modules = join(work, 'x', 'lib', 'modules');
  const found = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ko')) found.set(e.name.slice(0, -3), join(d, e.name));
    }
  };
  walk(modules);
  for (const m of MODULES) {
    const path = found.get(m);
    if (path === undefined) throw new Error(`${pkg} has no ${m}.ko`);
    copyFileSync(path, join(work, 'out', 'modules', `${m}.ko`));
  }
  writeFileSync(join(work, 'out', 'package'), `${pkg}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'out'), dir);
  rmSync(work, { recursive: true, force: true });
}

async function buildApp() {
  const dir = join(buildDir, 'app');
  rmSync(dir, { recursive: true, force: true });
  await build({
    entryPoints: {
      ...Object.fromEntries(ENTRIES.map((e) => [e, join(root, 'test', 'usb', `${e}.ts`)])),
      'link-worker': join(root, WORKER),
    },
    outdir: dir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['usb'],
    logLevel: 'warning',
    legalComments: 'none',
  });
  // node-usb: its JavaScript and the native module for this platform, nothing else.
  const usb = join(root, 'node_modules', 'usb');
  const version = JSON.parse(readFileSync(join(usb, 'package.json'), 'utf8')).version;
  for (const f of ['package.json', 'index.js', join('dist', 'index.js')]) {
    mkdirSync(dirname(join(dir, 'node_modules', 'usb', f)), { recursive: true });
    copyFileSync(join(usb, f), join(dir, 'node_modules', 'usb', f));
  }
  const native = join(root, 'node_modules', '@node-usb', 'usb-linux-x64-gnu');
  if (!existsSync(native)) throw new Error('node_modules/@node-usb/usb-linux-x64-gnu is missing: run npm ci');
  mkdirSync(join(dir, 'node_modules', '@node-usb'), { recursive: true });
  run('cp', ['-r', native, join(dir, 'node_modules', '@node-usb')]);
  copyFileSync(join(root, 'docs', 'udev', '70-pump-wand.rules'), join(dir, '70-pump-wand.rules'));
  writeFileSync(join(dir, 'usb-version'), `${version}\n`);
}

/** The shared libraries a program loads, by the paths the dynamic linker resolves. */
function libraries(binary) {
  let out;
  try {
    out = execFileSync('ldd', [binary], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return []; // not a dynamic executable
  }
  const libs = new Set();
  for (const line of out.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m?.[1] !== undefined) libs.add(m[1]);
  }
  return [...libs];
}

function buildInitramfs() {
  const t = new Tree();
  for (const d of [
    'proc',
    'sys',
    'dev',
    'run',
    'tmp',
    'root',
    'bin',
    'sbin',
    'usr/bin',
    'usr/sbin',
    'etc/udev/rules.d',
  ])
    t.dir(d);
  t.node('dev/console', 5, 1, 0o600);
  t.node('dev/null', 1, 3, 0o666);
  t.file('bin/busybox', realpathSync('/usr/bin/busybox'), 0o755);
  t.file('init', join(here, 'init.sh'), 0o755);
  // Node: the host's binary and the libraries it loads.
  t.file('usr/bin/node', realpathSync(process.execPath), 0o755);
  for (const lib of libraries(process.execPath)) t.host(lib);
  // node-usb's native module and what it loads.
  const natives = join(buildDir, 'app', 'node_modules', '@node-usb', 'usb-linux-x64-gnu');
  for (const f of readdirSync(natives).filter((n) => n.endsWith('.node')))
    for (const lib of libraries(join(natives, f))) t.host(lib);
  // systemd-udevd (udevadm under another name) and the default rules, plus the project's rule.
  const udevadm = realpathSync('/usr/bin/udevadm');
  t.file('usr/bin/udevadm', udevadm, 0o755);
  t.link('lib/systemd/systemd-udevd', '/usr/bin/udevadm');
  for (const lib of libraries(udevadm)) t.host(lib);
  t.file('lib/udev/rules.d/50-udev-default.rules', '/lib/udev/rules.d/50-udev-default.rules', 0o644);
  t.file('etc/udev/rules.d/70-pump-wand.rules', join(buildDir, 'app', '70-pump-wand.rules'), 0o644);
  t.data('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nclinician:x:1000:1000::/tmp:/bin/sh\n');
  t.data('etc/group', 'root:x:0:\nplugdev:x:46:clinician\nclinician:x:1000:\n');
  for (const m of MODULES) t.file(`lib/modules/${m}.ko`, join(buildDir, 'kernel', 'modules', `${m}.ko`), 0o644);
  t.tree(join(buildDir, 'app'), 'app');
  writeCpio(t, join(buildDir, 'initramfs.cpio'));
}

export async function buildAll() {
  need('qemu-system-x86_64', 'qemu-system-x86');
  need('busybox', 'busybox-static');
  need('udevadm', 'udev');
  need('xz', 'xz-utils');
  if (libraries(realpathSync('/usr/bin/busybox')).length > 0)
    throw new Error('busybox is not static: apt-get install -y busybox-static');
  mkdirSync(buildDir, { recursive: true });
  buildKernel();
  await buildApp();
  buildInitramfs();
  chmodSync(join(buildDir, 'initramfs.cpio'), 0o644);
  return {
    vmlinux: join(buildDir, 'kernel', 'vmlinux'),
    initramfs: join(buildDir, 'initramfs.cpio'),
    kernelPackage: readFileSync(join(buildDir, 'kernel', 'package'), 'utf8').trim(),
  };
}

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const out = await buildAll();
  log(
    `built ${relative(process.cwd(), out.initramfs)} and ${relative(process.cwd(), out.vmlinux)} (${out.kernelPackage}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
