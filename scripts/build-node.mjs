// Bundles the Node-side entry points (pumpctl, the web host, benchmarks) and the web host's
// browser bridge with esbuild. Runs on `npm ci` (prepare) so that `npx pumpctl` works at once.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { allBundles } from './bundles.mjs';

rmSync('dist', { recursive: true, force: true });
await Promise.all(allBundles().map((options) => build(options)));
