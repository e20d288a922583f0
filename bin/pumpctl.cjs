#!/usr/bin/env node
'use strict';
// pumpctl: the command-line host. The code lives in the bundle built by `npm ci` / `npm run build:node`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli', 'pumpctl.cjs');
if (!existsSync(bundle)) {
  process.stderr.write('pumpctl is not built yet. Run `npm run build:node` (or `npm ci`) in the project folder first.\n');
  process.exit(1);
}
require(bundle);
