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

/** Whether a parsed value has the shape of a signed head. */
export const isSignedHead = (v: unknown): v is SignedHead => {
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
