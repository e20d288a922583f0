#!/usr/bin/env node
'use strict';
// pumpctl: the command-line host. The code lives in the bundle built by `npm ci` / `npm run build:node`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli', 'pumpctl.mjs');
if (!existsSync(bundle)) {
  process.stderr.write(
    'pumpctl is not built yet. Run `npm run build:node` (or `npm ci`) in the project folder first.\n',
  );
  process.exit(1);
}
import(require('node:url').pathToFileURL(bundle).href).catch((e) => {
  process.stderr.write(`pumpctl: ${e.message}\n`);
  process.exit(2);
});
