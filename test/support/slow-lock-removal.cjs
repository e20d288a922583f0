// Preload for a test process: LOCK_REMOVAL_JITTER_MS=M sleeps a random 0..M ms before each removal
// of a *.lock file, so that processes which judged the same lock stale remove it at different
// moments (one of them after another has already taken the lock anew).
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');
const jitter = () => {
  const ms = Math.floor(Math.random() * Number(process.env.LOCK_REMOVAL_JITTER_MS ?? 0));
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};
for (const name of ['rmSync', 'unlinkSync']) {
  const original = fs[name];
  fs[name] = function (path) {
    if (String(path).endsWith('.lock')) jitter();
    return original.apply(this, arguments);
  };
}
syncBuiltinESMExports();
