// `npm start`: builds the app and launches it in Electron on the embedded defaults. Where the
// Electron runtime is not installed (it downloads separately from npm), says so and how to
// proceed instead of failing with a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Finds the Electron runtime; PUMP_ELECTRON_DIR points at another electron package folder. */
function electronBinary() {
  let dir;
  try {
    dir = process.env.PUMP_ELECTRON_DIR ?? dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, why: 'the electron package is not installed (run `npm ci`)' };
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { ok: false, why: 'the Electron runtime was never downloaded' };
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { ok: true, binary } : { ok: false, why: `the Electron runtime is missing at ${binary}` };
}

const found = electronBinary();
if (!found.ok) {
  process.stderr.write(
    [
      `Cannot start the desktop app: ${found.why}.`,
      '',
      '  With internet access, install the runtime:   node node_modules/electron/install.js',
      '  Then start again:                           npm start',
      '',
      '  Or run the same app in your browser now:    npm run start:web',
      '  (it prints a local address to open; training mode with the simulated pump)',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

let status = run('npx', ['electron-vite', 'build']);
if (status !== 0) process.exit(status);
// Native modules (better-sqlite3, usb) must match Electron's ABI, not Node's.
status = run('npx', ['--yes', '@electron/rebuild', '--only', 'better-sqlite3,usb']);
if (status !== 0) {
  process.stderr.write(
    'Could not rebuild the native modules for Electron; see the messages above. `npm run start:web` works without it.\n',
  );
  process.exit(status);
}
process.exit(run(found.binary, ['.']));
