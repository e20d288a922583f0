import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
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
  removeHead(location: string): void;
}

/** Optional wrapping of the key at rest (Electron's safeStorage in the desktop app). */
export interface KeyProtection {
  encrypt(plain: Buffer): Buffer;
  decrypt(stored: Buffer): Buffer;
}

export class KeyFileError extends Error {}

/** Writes `content` to `path` durably: a temporary file, fsync, then an atomic rename (and the folder synced). */
export function writeFileDurably(path: string, content: Buffer | string, dir: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dir);
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

  existingKey(databaseId: string): Buffer | undefined {
    const path = this.keyPath(databaseId);
    if (!existsSync(path)) return undefined;
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
      throw new KeyFileError(`The audit key ${path} can be read by other users; restrict it with: chmod 600 "${path}"`);
    }
    const stored = readFileSync(path);
    const key = this.protection === undefined ? Buffer.from(stored.toString('utf8').trim(), 'hex') : this.protection.decrypt(stored);
    if (key.length !== 32) throw new KeyFileError(`The audit key ${path} is damaged (expected 32 bytes).`);
    return key;
  }

  createKey(databaseId: string): Buffer {
    const existing = this.existingKey(databaseId);
    if (existing !== undefined) return existing;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    const content = this.protection === undefined ? Buffer.from(key.toString('hex')) : this.protection.encrypt(key);
    // Written whole and synced under a temporary name, then linked into place: the link fails if
    // another process created the key first, so two processes starting together agree on one key
    // and nobody ever reads a half-written key file.
    const path = this.keyPath(databaseId);
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const winner = this.existingKey(databaseId);
      if (winner === undefined) throw e;
      return winner;
    } finally {
      unlinkSync(tmp);
    }
    syncDir(this.dir);
    return key;
  }

  readHead(location: string): SignedHead | undefined {
    const path = this.headPath(location);
    if (!existsSync(path)) return undefined;
    const text = readFileSync(path, 'utf8');
    let head: unknown;
    try {
      head = JSON.parse(text);
    } catch {
      throw new KeyFileError(`The signed head file ${path} is ${text.trim() === '' ? 'empty' : 'damaged'}: the end of the trail cannot be checked against it.`);
    }
    if (!isSignedHead(head)) throw new KeyFileError(`The signed head file ${path} is damaged: the end of the trail cannot be checked against it.`);
    return head;
  }

  writeHead(location: string, head: SignedHead): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileDurably(this.headPath(location), JSON.stringify({ ...head, location }), this.dir);
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
