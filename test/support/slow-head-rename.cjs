// Preload for a test process: SLOW_HEAD_RENAME_MS=M sleeps M ms before each rename onto a *.head
// file (after the temporary file is written), and appends "renaming" to HEAD_RENAME_LOG first.
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');
const rename = fs.renameSync;
fs.renameSync = function (from, to) {
  if (String(to).endsWith('.head')) {
    if (process.env.HEAD_RENAME_LOG) fs.appendFileSync(process.env.HEAD_RENAME_LOG, `${process.pid} renaming\n`);
    const ms = Number(process.env.SLOW_HEAD_RENAME_MS ?? 0);
    if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }
  return rename.apply(this, arguments);
};
syncBuiltinESMExports();
