import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';

// Writing the files of the key folder (keys, heads) durably and privately.

/** Optional wrapping of the key at rest (Electron's safeStorage in the desktop app). */
export interface KeyProtection {
  encrypt(plain: Buffer): Buffer;
  decrypt(stored: Buffer): Buffer;
}

/** A key, head or lock file that cannot be used (damaged, readable by others, locked too long). */
export class KeyFileError extends Error {}

/** Writes `content` to `path` durably: a temporary file, fsync, then an atomic rename (and the folder synced). */
export function writeFileDurably(path: string, content: Buffer | string, dir: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    // A full disk leaves no half-written temporary file behind; the caller retries.
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dir);
}

/**
 * Writes `content` to `path` only if no file is there: a synced temporary file linked into place,
 * so two processes starting together agree on one file and nobody reads a half-written one.
 * Returns false when another process created it first.
 */
export function writeExclusive(path: string, content: Buffer, dir: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  syncDir(dir);
  return true;
}

/** The key folder: created owner-only (0700), and an existing one of ours narrowed to it. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = statSync(dir);
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, 0o700);
}

/** Refuses a secret file that other users can read. */
export function assertOwnerOnly(path: string, what: string): void {
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new KeyFileError(`The ${what} ${path} can be read by other users; restrict it with: chmod 600 "${path}"`);
  }
}

export function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
