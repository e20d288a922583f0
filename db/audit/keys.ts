import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertOwnerOnly,
  ensurePrivateDir,
  KeyFileError,
  type KeyProtection,
  syncDir,
  writeExclusive,
  writeFileDurably,
} from './files';
import { isSignedHead, type SignedHead, type AuditKeyStore } from './key-store';
import { withLockFile } from './lock-file';

export { KeyFileError, type KeyProtection };
export { DatabaseKeyFile } from './database-key';

/** The size of each of the two in-place slots of a head (a head with its location is far smaller). */
const SLOT_BYTES = 2048;
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

  /**
   * The latest signed head of the file at `location`: the head file's, or a later one kept in its
   * slots (written in place when the head file could not be written, below).
   */
  readHead(location: string): SignedHead | undefined {
    const file = this.readHeadFile(location);
    const slots = this.readSlots(location).filter((h) => file === undefined || h.databaseId === file.databaseId);
    return [file, ...slots].reduce<SignedHead | undefined>(
      (latest, h) => (h !== undefined && (latest === undefined || h.seq > latest.seq) ? h : latest),
      undefined,
    );
  }

  private readHeadFile(location: string): SignedHead | undefined {
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
    try {
      withLockFile(`${path}.lock`, () => {
        if (this.storedIsAtLeast(location, head)) return;
        writeFileDurably(path, JSON.stringify({ ...head, location }), this.dir);
        this.ensureSlots(location);
      });
    } catch (e) {
      this.writeSlot(location, head);
      throw e;
    }
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
    } catch (e) {
      this.writeSlot(location, head);
      throw e;
    } finally {
      // A full disk, or a later head already in place, leaves no temporary file behind.
      if (!renamed) rmSync(tmp, { force: true });
    }
    if (process.platform !== 'win32') {
      const folder = await open(this.dir, 'r');
      try {
        await folder.sync();
      } finally {
        await folder.close();
      }
    }
    if (renamed) this.ensureSlots(location);
  }

  private slotsPath = (location: string) => join(this.dir, `db-${locationTag(location)}.slots`);

  /**
   * The slots file of a head file: two fixed places of SLOT_BYTES each, made (and synced) while the
   * key folder can be written, so that a head that cannot be written as a new file later — a full
   * disk, a folder whose permissions no longer allow new files — can still be written *in place*
   * into blocks the file already has, and a restart does not forget what was signed.
   */
  private ensureSlots(location: string): void {
    const path = this.slotsPath(location);
    if (!existsSync(path)) writeExclusive(path, Buffer.alloc(2 * SLOT_BYTES, 0x20), this.dir);
  }

  /** The heads in the two slots, by place (undefined: never written, or torn by a crash mid-write). */
  private slotHeads(location: string): Array<SignedHead | undefined> {
    const path = this.slotsPath(location);
    if (!existsSync(path)) return [];
    const bytes = readFileSync(path);
    return [0, 1].map((i) => {
      try {
        const h: unknown = JSON.parse(bytes.subarray(i * SLOT_BYTES, (i + 1) * SLOT_BYTES).toString('utf8'));
        return isSignedHead(h) && (h as { location?: unknown }).location === location ? h : undefined;
      } catch {
        return undefined;
      }
    });
  }

  private readSlots(location: string): SignedHead[] {
    return this.slotHeads(location).filter((h): h is SignedHead => h !== undefined);
  }

  /**
   * Writes `head` in place into the older of the two slots (the other keeps the previous head if
   * this write is torn) and syncs it; does nothing if the stored head is already the same or later,
   * or if even this cannot be written (a read-only file system: then only the process that signed
   * remembers it). Never throws: the caller reports the failure of the head write.
   */
  private writeSlot(location: string, head: SignedHead): void {
    try {
      if (this.storedIsAtLeast(location, head)) return;
      const text = Buffer.from(JSON.stringify({ ...head, location }));
      const [a, b] = this.slotHeads(location);
      if (text.length > SLOT_BYTES) return;
      const index = a === undefined ? 0 : b === undefined ? 1 : a.seq <= b.seq ? 0 : 1;
      const fd = openSync(this.slotsPath(location), 'r+');
      try {
        const buffer = Buffer.alloc(SLOT_BYTES, 0x20);
        text.copy(buffer);
        writeSync(fd, buffer, 0, SLOT_BYTES, index * SLOT_BYTES);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // a read-only file system, or no slots file yet
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
    for (const path of [this.headPath(location), this.slotsPath(location)]) {
      if (existsSync(path)) {
        unlinkSync(path);
        syncDir(this.dir);
      }
    }
  }
}

/** A stable name for a database file's location (its real path; case-folded where the file system folds case). */
const locationTag = (location: string): string => {
  const normal = process.platform === 'win32' || process.platform === 'darwin' ? location.toLowerCase() : location;
  return createHash('sha256').update(normal).digest('hex').slice(0, 40);
};

const safeId = (id: string): string => {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new KeyFileError(`unexpected database id ${id}`);
  return id;
};
