// Bundles the Node-side entry points (pumpctl, the web host, benchmarks) and the web host's
// browser bridge with esbuild. Runs on `npm ci` (prepare) so that `npx pumpctl` works at once.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const external = ['better-sqlite3', 'better-sqlite3-multiple-ciphers', 'usb', 'electron', 'playwright-core', '@playwright/test'];
const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', external, logLevel: 'warning', legalComments: 'none' };

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  // ESM with code splitting: each pumpctl command is its own chunk, loaded on first use.
  build({ ...node, format: 'esm', splitting: true, minify: true, entryPoints: ['cli/pumpctl.ts'], outdir: 'dist/cli', outExtension: { '.js': '.mjs' } }),
  build({ ...node, entryPoints: ['web/main.ts'], outfile: 'dist/web/server.cjs' }),
  build({ ...node, entryPoints: ['bench/run.ts'], outfile: 'dist/bench/run.cjs' }),
  build({ ...node, entryPoints: ['test/support/audit-writer.ts'], outfile: 'dist/test/audit-writer.cjs' }),
  build({ ...node, entryPoints: ['test/support/unconfirmed-session.ts'], outfile: 'dist/test/unconfirmed-session.cjs' }),
  build({ ...node, entryPoints: ['test/support/seed-clinic.ts'], outfile: 'dist/test/seed-clinic.cjs' }),
  build({ ...node, entryPoints: ['test/support/store-opener.ts'], outfile: 'dist/test/store-opener.cjs' }),
  build({ ...node, entryPoints: ['drivers/worker/link-worker.ts'], outfile: 'dist/worker/link-worker.cjs' }),
  build({
    entryPoints: ['web/browser/pump-api.ts'],
    outfile: 'dist/web/pump-api.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
  }),
]);
