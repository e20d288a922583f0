import { appendFileSync } from 'node:fs';
import { withLockFile } from '../../db/audit/lock-file';

// A process that takes the head file's lock at a given moment (every process of the test starts
// its attempt at the same instant), holds it a while, and logs when it entered and left.
// Usage: node lock-holder.cjs LOCK LOG START_AT_MS HOLD_MS
const [lock = '', log = '', startAt = '0', hold = '0'] = process.argv.slice(2);
const wait = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ms));
wait(Number(startAt) - Date.now());
withLockFile(lock, () => {
  appendFileSync(log, `enter ${process.pid} ${process.hrtime.bigint()}\n`);
  wait(Number(hold));
  appendFileSync(log, `leave ${process.pid} ${process.hrtime.bigint()}\n`);
});
