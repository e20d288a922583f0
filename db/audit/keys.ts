import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SignedHead {
  seq: number;
  hash: string;
  mac: string;
}

/**
 * Where the checkpoint key of each database lives: outside the database, so that whoever can
 * edit the file cannot re-sign a re-computed chain. The latest signed head is kept beside the key,
 * so a truncated log (records and checkpoints deleted together) is still detected.
 */
export interface AuditKeyStore {
  /** The key for this database, created on first use. */
  key(databaseId: string): Buffer;
  /** The key if it exists; verification never creates one. */
  existingKey(databaseId: string): Buffer | undefined;
  readHead(databaseId: string): SignedHead | undefined;
  writeHead(databaseId: string, head: SignedHead): void;
}

/** Optional wrapping of the key at rest (Electron's safeStorage in the desktop app). */
export interface KeyProtection {
  encrypt(plain: Buffer): Buffer;
  decrypt(stored: Buffer): Buffer;
}

export class KeyFileError extends Error {}

/** Key files with owner-only permissions (0600 in a 0700 folder), as the CLI and web host use. */
export class FileKeyStore implements AuditKeyStore {
  constructor(
    private readonly dir: string,
    private readonly protection?: KeyProtection,
  ) {}

  private keyPath = (id: string) => join(this.dir, `${safeId(id)}.key`);
  private headPath = (id: string) => join(this.dir, `${safeId(id)}.head`);

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

  key(databaseId: string): Buffer {
    const existing = this.existingKey(databaseId);
    if (existing !== undefined) return existing;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    const content = this.protection === undefined ? Buffer.from(key.toString('hex')) : this.protection.encrypt(key);
    // Exclusive create: two processes starting together never overwrite each other's key.
    try {
      writeFileSync(this.keyPath(databaseId), content, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return this.key(databaseId);
      throw e;
    }
    return key;
  }

  readHead(databaseId: string): SignedHead | undefined {
    const path = this.headPath(databaseId);
    if (!existsSync(path)) return undefined;
    const head = JSON.parse(readFileSync(path, 'utf8')) as SignedHead;
    return typeof head.seq === 'number' && typeof head.hash === 'string' && typeof head.mac === 'string' ? head : undefined;
  }

  writeHead(databaseId: string, head: SignedHead): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = this.headPath(databaseId);
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(head), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  }
}

const safeId = (id: string): string => {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new KeyFileError(`unexpected database id ${id}`);
  return id;
};
