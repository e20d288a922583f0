import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOwnerOnly, ensurePrivateDir, KeyFileError, type KeyProtection, writeExclusive } from './files';

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
