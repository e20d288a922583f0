import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

/** The latest signed chain head of one database file, kept outside it. */
export interface SignedHead {
  databaseId: string;
  seq: number;
  hash: string;
  /** Digest of the `meta` table the head was signed with (null: signed before meta was bound). */
  metaHash: string | null;
  mac: string;
}

/**
 * Where the checkpoint key of each database lives: outside the database, so that whoever can
 * edit the file cannot re-sign a re-computed chain. The latest signed head of each database
 * *file* (by its location) is kept beside the keys, so a truncated log (records and checkpoints
 * deleted together) or a changed database id is still detected, while a copy of the file that
 * goes on being used elsewhere keeps a head of its own.
 */
export interface AuditKeyStore {
  /** The key if it exists. Nothing ever creates a key as a side effect of reading one. */
  existingKey(databaseId: string): Buffer | undefined;
  /** Creates the key of a new database (exclusive: an existing key is returned, never replaced). */
  createKey(databaseId: string): Buffer;
  /** The head signed for the database file at `location`; throws KeyFileError when the file is damaged. */
  readHead(location: string): SignedHead | undefined;
  writeHead(location: string, head: SignedHead): void;
  /**
   * The same as `writeHead`, with the slow part (writing and syncing the file) off the calling
   * thread: the promise settles once the head is durably in place (or refused as older than the
   * stored one). Stores without it are written with `writeHead`.
   */
  writeHeadAsync?(location: string, head: SignedHead): Promise<void>;
  removeHead(location: string): void;
}

/** Optional wrapping of the key at rest (Electron's safeStorage in the desktop app). */
export interface KeyProtection {
  encrypt(plain: Buffer): Buffer;
  decrypt(stored: Buffer): Buffer;
}

export class KeyFileError extends Error {}

/** Writes `content` to `path` durably: a temporary file, fsync, then an atomic rename (and the folder synced). */
function writeFileDurably(path: string, content: Buffer | string, dir: string): void {
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
function writeExclusive(path: string, content: Buffer, dir: string): boolean {
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
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = statSync(dir);
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, 0o700);
}

/** Refuses a secret file that other users can read. */
function assertOwnerOnly(path: string, what: string): void {
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new KeyFileError(`The ${what} ${path} can be read by other users; restrict it with: chmod 600 "${path}"`);
  }
}

function syncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** How long a writer waits for another process's lock on a head file before giving up (the retry writes it later). */
const LOCK_WAIT_MS = 5000;
/** A lock file older than this is left over by a process that stopped while holding it. */
const LOCK_STALE_MS = 30000;

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** True when the lock at `path` was left by a process that no longer runs (or is older than LOCK_STALE_MS). */
function lockIsStale(path: string): boolean {
  let text: string;
  let age: number;
  try {
    text = readFileSync(path, 'utf8');
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return false; // released meanwhile: just try again
  }
  if (age > LOCK_STALE_MS) return true;
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return age > 1000; // being written, or damaged
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Runs `fn` holding an exclusive lock file (created with O_EXCL, holding this process's id) shared by every process. */
function withLockFile<T>(path: string, fn: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (lockIsStale(path)) {
        rmSync(path, { force: true });
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

/** Key files with owner-only permissions (0600 in a 0700 folder), as the CLI and web host use. */
export class FileKeyStore implements AuditKeyStore {
  constructor(
    private readonly dir: string,
    private readonly protection?: KeyProtection,
  ) {}

  /** The folder the keys and heads are in. */
  get folder(): string {
    return this.dir;
  }

  private keyPath = (id: string) => join(this.dir, `${safeId(id)}.key`);
  private headPath = (location: string) => join(this.dir, `db-${locationTag(location)}.head`);

  /** How keys are wrapped at rest here (the desktop app's operating-system key store), if they are. */
  get keyProtection(): KeyProtection | undefined {
    return this.protection;
  }

  existingKey(databaseId: string): Buffer | undefined {
    const path = this.keyPath(databaseId);
    if (!existsSync(path)) return undefined;
    assertOwnerOnly(path, 'audit key');
    const stored = readFileSync(path);
    const key =
      this.protection === undefined
        ? Buffer.from(stored.toString('utf8').trim(), 'hex')
        : this.protection.decrypt(stored);
    if (key.length !== 32) throw new KeyFileError(`The audit key ${path} is damaged (expected 32 bytes).`);
    return key;
  }

  createKey(databaseId: string): Buffer {
    const existing = this.existingKey(databaseId);
    if (existing !== undefined) return existing;
    ensurePrivateDir(this.dir);
    const key = randomBytes(32);
    const content = this.protection === undefined ? Buffer.from(key.toString('hex')) : this.protection.encrypt(key);
    if (writeExclusive(this.keyPath(databaseId), content, this.dir)) return key;
    // Another process created the key first: use that one.
    const winner = this.existingKey(databaseId);
    if (winner === undefined) throw new KeyFileError(`The audit key of database ${databaseId} could not be created`);
    return winner;
  }

  readHead(location: string): SignedHead | undefined {
    const path = this.headPath(location);
    if (!existsSync(path)) return undefined;
    const text = readFileSync(path, 'utf8');
    let head: unknown;
    try {
      head = JSON.parse(text);
    } catch {
      throw new KeyFileError(
        `The signed head file ${path} is ${text.trim() === '' ? 'empty' : 'damaged'}: the end of the trail cannot be checked against it.`,
      );
    }
    if (!isSignedHead(head))
      throw new KeyFileError(
        `The signed head file ${path} is damaged: the end of the trail cannot be checked against it.`,
      );
    return head;
  }

  /**
   * Writes the head of the file at `location`, never moving it backwards: under a lock shared by
   * every process using this key folder, a stored head of the same database with the same or a
   * later record is kept (another process signed further meanwhile). A damaged head is replaced.
   */
  writeHead(location: string, head: SignedHead): void {
    ensurePrivateDir(this.dir);
    const path = this.headPath(location);
    withLockFile(`${path}.lock`, () => {
      if (this.storedIsAtLeast(location, head)) return;
      writeFileDurably(path, JSON.stringify({ ...head, location }), this.dir);
    });
  }

  /**
   * `writeHead` with the temporary file written and fsynced, and the folder synced after the
   * rename, on libuv's thread pool; only the lock, the comparison with the stored head and the
   * rename run on the calling thread (synchronously, so no lock is ever held across an await).
   */
  async writeHeadAsync(location: string, head: SignedHead): Promise<void> {
    ensurePrivateDir(this.dir);
    const path = this.headPath(location);
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    let renamed = false;
    try {
      const file = await open(tmp, 'wx', 0o600);
      try {
        await file.writeFile(JSON.stringify({ ...head, location }));
        await file.sync();
      } finally {
        await file.close();
      }
      renamed = withLockFile(`${path}.lock`, () => {
        if (this.storedIsAtLeast(location, head)) return false;
        renameSync(tmp, path);
        return true;
      });
    } finally {
      // A full disk, or a later head already in place, leaves no temporary file behind.
      if (!renamed) rmSync(tmp, { force: true });
    }
    if (process.platform === 'win32') return;
    const folder = await open(this.dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }

  /** True when the stored head is of the same database and names the same or a later record (a damaged one is not). */
  private storedIsAtLeast(location: string, head: SignedHead): boolean {
    let stored: SignedHead | undefined;
    try {
      stored = this.readHead(location);
    } catch (e) {
      if (!(e instanceof KeyFileError)) throw e;
      stored = undefined;
    }
    return stored !== undefined && stored.databaseId === head.databaseId && stored.seq >= head.seq;
  }

  removeHead(location: string): void {
    const path = this.headPath(location);
    if (existsSync(path)) {
      unlinkSync(path);
      syncDir(this.dir);
    }
  }
}

const isSignedHead = (v: unknown): v is SignedHead => {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  return (
    typeof h['databaseId'] === 'string' &&
    typeof h['seq'] === 'number' &&
    Number.isInteger(h['seq']) &&
    typeof h['hash'] === 'string' &&
    typeof h['mac'] === 'string' &&
    (h['metaHash'] === null || typeof h['metaHash'] === 'string')
  );
};

/** A stable name for a database file's location (its real path; case-folded where the file system folds case). */
const locationTag = (location: string): string => {
  const normal = process.platform === 'win32' || process.platform === 'darwin' ? location.toLowerCase() : location;
  return createHash('sha256').update(normal).digest('hex').slice(0, 40);
};

const safeId = (id: string): string => {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new KeyFileError(`unexpected database id ${id}`);
  return id;
};

/** The first line of a database key wrapped by the operating system's key store (the desktop app). */
const OS_PROTECTED = 'os-key-store:v1\n';

/**
 * The key that encrypts the databases kept with this key folder (`database.key`, beside the audit
 * keys): 32 random bytes, used as SQLCipher's raw key. The CLI and the web host keep it as hex,
 * 0600 in a 0700 folder; the desktop app wraps it with the operating system's key store
 * (Electron safeStorage), which only the desktop app can unwrap.
 */
export class DatabaseKeyFile {
  static readonly FILE = 'database.key';

  constructor(
    readonly dir: string,
    private readonly protection?: KeyProtection,
  ) {}

  get path(): string {
    return join(this.dir, DatabaseKeyFile.FILE);
  }

  /** The key, or undefined when there is none; a key others can read, a damaged one or one this process cannot unwrap is refused. */
  read(): Buffer | undefined {
    const path = this.path;
    if (!existsSync(path)) return undefined;
    assertOwnerOnly(path, 'database key');
    const stored = readFileSync(path);
    let key: Buffer;
    if (stored.subarray(0, OS_PROTECTED.length).toString('latin1') === OS_PROTECTED) {
      if (this.protection === undefined) {
        throw new KeyFileError(
          `The database key ${path} is protected by the desktop app's operating-system key store (Electron safeStorage): only the desktop app can read it, so this tool cannot open its database. Use the desktop app, or keep this tool's databases with a key folder of their own (PUMP_AUDIT_KEY_DIR).`,
        );
      }
      try {
        key = this.protection.decrypt(
          Buffer.from(stored.subarray(OS_PROTECTED.length).toString('latin1').trim(), 'base64'),
        );
      } catch (e) {
        throw new KeyFileError(
          `The database key ${path} could not be unwrapped by the operating system's key store: ${(e as Error).message}`,
        );
      }
    } else {
      const hex = stored.toString('utf8').trim();
      if (!/^[0-9a-f]{64}$/i.test(hex))
        throw new KeyFileError(`The database key ${path} is damaged (expected 64 hex digits).`);
      key = Buffer.from(hex, 'hex');
    }
    if (key.length !== 32) throw new KeyFileError(`The database key ${path} is damaged (expected 32 bytes).`);
    return key;
  }

  /** The key, created (exclusively: two processes starting together agree on one) when there is none. */
  create(): Buffer {
    const existing = this.read();
    if (existing !== undefined) return existing;
    ensurePrivateDir(this.dir);
    const key = randomBytes(32);
    const content =
      this.protection === undefined
        ? Buffer.from(`${key.toString('hex')}\n`)
        : Buffer.concat([
            Buffer.from(OS_PROTECTED, 'latin1'),
            Buffer.from(`${this.protection.encrypt(key).toString('base64')}\n`, 'latin1'),
          ]);
    if (writeExclusive(this.path, content, this.dir)) return key;
    const winner = this.read();
    if (winner === undefined) throw new KeyFileError(`The database key ${this.path} could not be created`);
    return winner;
  }
}
