// `npm run dev`: the web host in training mode, rebuilt and restarted as the sources change.
// esbuild's watch mode rebuilds the server, the link worker and the browser bridge; Vite's watch
// mode rebuilds the renderer (with the configuration of electron.vite.config.ts); `node --watch`
// restarts the server when its bundle changes. Everything is built under .dev/ (the database and
// audit keys too, unless PUMP_DB / PUMP_AUDIT_KEY_DIR say otherwise), so a development session
// never touches `dist/`, `out/` or the app's own data. One token is kept for the whole session:
// after a change, reload the page in the browser.
//
//   npm run dev                                   # port 5178, the simulated pump
//   npm run dev -- --training-pump baclofen-flex  # any option of the web host
//   npm run dev -- --wand                         # an attached wand instead of the simulated pump
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { context } from 'esbuild';
import { resolveConfig } from 'electron-vite';
import { build as viteBuild } from 'vite';
import { webHostBundles } from './bundles.mjs';

const DEV = resolve('.dev');
const server = join(DEV, 'dist', 'web', 'server.cjs');
mkdirSync(DEV, { recursive: true });

// `--wand`: use an attached wand instead of the simulated pump (as `npm run start:web` does).
const wand = process.argv.includes('--wand');
const passed = process.argv.slice(2).filter((a) => a !== '--wand');
const has = (flag) => passed.some((a) => a === flag || a.startsWith(`${flag}=`));
const args = [
  ...(has('--port') ? [] : ['--port', '5178']),
  ...(wand || has('--simulator') ? [] : ['--simulator']),
  ...passed,
];
const env = {
  ...process.env,
  PUMP_DB: process.env.PUMP_DB ?? join(DEV, 'programmer.sqlite'),
  PUMP_AUDIT_KEY_DIR: process.env.PUMP_AUDIT_KEY_DIR ?? join(DEV, 'audit-keys'),
  PUMP_WEB_TOKEN: process.env.PUMP_WEB_TOKEN ?? randomBytes(32).toString('base64url'),
};

// The server and the bridge rebuild on change. The link worker is its own bundle, which
// `node --watch` does not follow: a rebuilt worker touches the server bundle to restart it.
const [serverOptions, workerOptions, bridgeOptions] = webHostBundles(join(DEV, 'dist'));
let workerBuilt = false;
const restartOnWorker = {
  name: 'restart-on-worker',
  setup(b) {
    b.onEnd((result) => {
      if (result.errors.length > 0) return;
      if (workerBuilt) {
        const now = new Date();
        utimesSync(server, now, now);
      }
      workerBuilt = true;
    });
  },
};
const contexts = await Promise.all([
  context(serverOptions),
  context({ ...workerOptions, plugins: [restartOnWorker] }),
  context(bridgeOptions),
]);
for (const c of contexts) await c.rebuild();

// The renderer as `npm run build` makes it, into .dev/out/renderer, rebuilt on change.
const renderer = (await resolveConfig({}, 'build', 'development')).config?.renderer;
if (renderer === undefined) throw new Error('electron.vite.config.ts has no renderer configuration');
let rendererBuilt;
const firstRenderer = new Promise((done) => (rendererBuilt = done));
const watcher = await viteBuild({
  ...renderer,
  configFile: false,
  mode: 'development',
  plugins: [...(renderer.plugins ?? []), { name: 'dev-renderer-built', closeBundle: () => rendererBuilt() }],
  build: { ...renderer.build, outDir: join(DEV, 'out', 'renderer'), minify: false, watch: {} },
});
await firstRenderer;
for (const c of contexts) await c.watch();

const child = spawn(process.execPath, ['--watch', server, ...args], { stdio: 'inherit', env });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  await watcher.close();
  await Promise.all(contexts.map((c) => c.dispose()));
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
child.on('exit', (code) => {
  void stop().then(() => process.exit(code ?? 0));
});
