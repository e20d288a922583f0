// The esbuild bundles of the Node-side entry points and the web host's browser bridge, shared by
// `npm run build:node` (scripts/build-node.mjs) and `npm run dev` (scripts/dev.mjs).

const external = [
  'better-sqlite3',
  'better-sqlite3-multiple-ciphers',
  'usb',
  'electron',
  'playwright-core',
  '@playwright/test',
];
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * What the web host runs, under `root` (`dist` for a build): the server, the link worker it
 * starts, and the browser-side `window.pumpApi` bridge it serves.
 */
export const webHostBundles = (root) => [
  { ...node, entryPoints: ['web/main.ts'], outfile: `${root}/web/server.cjs` },
  { ...node, entryPoints: ['drivers/worker/link-worker.ts'], outfile: `${root}/worker/link-worker.cjs` },
  {
    entryPoints: ['web/browser/pump-api.ts'],
    outfile: `${root}/web/pump-api.js`,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
  },
];

/** Everything `npm run build:node` makes under `dist/`. */
export const allBundles = () => [
  // ESM with code splitting: each pumpctl command is its own chunk, loaded on first use.
  {
    ...node,
    format: 'esm',
    splitting: true,
    minify: true,
    entryPoints: ['cli/pumpctl.ts'],
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
  },
  ...webHostBundles('dist'),
  { ...node, entryPoints: ['bench/run.ts'], outfile: 'dist/bench/run.cjs' },
  { ...node, entryPoints: ['test/support/audit-writer.ts'], outfile: 'dist/test/audit-writer.cjs' },
  { ...node, entryPoints: ['test/support/unconfirmed-session.ts'], outfile: 'dist/test/unconfirmed-session.cjs' },
  { ...node, entryPoints: ['test/support/seed-clinic.ts'], outfile: 'dist/test/seed-clinic.cjs' },
  { ...node, entryPoints: ['test/support/store-opener.ts'], outfile: 'dist/test/store-opener.cjs' },
  { ...node, entryPoints: ['test/support/fake-node-usb.ts'], outfile: 'dist/test/fake-node-usb.cjs' },
];
