import { closeSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { KeyFileError } from './files';

// The lock file shared by every process that writes the head of one database file.

/** How long a writer waits for another process's lock on a head file before giving up (the retry writes it later). */
const LOCK_WAIT_MS = 5000;
/** A lock file older than this is left over by a process that stopped while holding it. */
const LOCK_STALE_MS = 30000;

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Which lock file is at `path` (its inode and modification time in nanoseconds), or undefined when there is none. */
function instanceAt(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.ino}-${st.mtimeNs}`;
  } catch {
    return undefined;
  }
}

/**
 * The lock file at `path` (by `instanceAt`) when it was left by a process that no longer runs (or
 * is older than LOCK_STALE_MS); undefined when it is held, or gone.
 */
function staleInstance(path: string): string | undefined {
  const instance = instanceAt(path);
  if (instance === undefined) return undefined;
  let text: string;
  let age: number;
  try {
    text = readFileSync(path, 'utf8');
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined; // released meanwhile: just try again
  }
  if (age > LOCK_STALE_MS) return instance;
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return age > 1000 ? instance : undefined; // being written, or damaged
  if (pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH' ? instance : undefined;
  }
}

/**
 * Removes the stale lock `instance` at `path`, atomically with respect to every other process
 * taking it over: the one that creates the takeover file named after that very instance (O_EXCL)
 * removes it, and only if `path` still is that instance; the takeover file is removed only after
 * the stale lock is. A process that judged the same instance stale and comes later either cannot
 * create the takeover file, or finds `path` no longer that instance — so it never removes the lock
 * that a winner of the takeover has meanwhile taken.
 */
function takeOver(path: string, instance: string): void {
  const marker = `${path}.takeover-${instance}`;
  let fd: number;
  try {
    fd = openSync(marker, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // Another process is taking it over; a takeover file left by one that stopped right then expires.
    try {
      if (Date.now() - statSync(marker).mtimeMs > LOCK_STALE_MS) rmSync(marker, { force: true });
    } catch {
      // gone meanwhile
    }
    return;
  }
  closeSync(fd);
  try {
    if (instanceAt(path) === instance) unlinkSync(path);
  } finally {
    rmSync(marker, { force: true });
  }
}

/** Runs `fn` holding an exclusive lock file (created with O_EXCL, holding this process's id) shared by every process. */
export function withLockFile<T>(path: string, fn: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const stale = staleInstance(path);
      if (stale !== undefined) {
        takeOver(path, stale);
        continue;
      }
      if (Date.now() > deadline) throw new KeyFileError(`The head file is locked by another process (${path})`);
      sleepSync(10);
    }
  }
  try {
    try {
      writeSync(fd, String(process.pid));
    } finally {
      closeSync(fd);
    }
    return fn();
  } finally {
    rmSync(path, { force: true });
  }
}
