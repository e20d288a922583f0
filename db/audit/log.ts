import type { Db } from '../connection';
import type { AuditKeyStore, SignedHead } from './keys';
import { checkpointMac, genesisHash, hashRow, toRow, type AuditEntry } from './record';

export const databaseId = (db: Db): string => {
  const id = db.prepare<[], string>(`SELECT value FROM meta WHERE key = 'database_id'`).pluck().get();
  if (id === undefined) throw new Error('the database has no database_id');
  return id;
};

/**
 * The append-only, hash-chained audit trail. Each append reads the chain head inside the same
 * transaction, so records from several processes still form one chain. Every `checkpointEvery`
 * records (and on `checkpoint()`), the head is signed with the key outside the database.
 */
export class AuditLog {
  readonly databaseId: string;
  private due = false;
  private readonly head;
  private readonly insert;
  private readonly insertCheckpoint;

  constructor(
    private readonly db: Db,
    private readonly keys: AuditKeyStore,
    private readonly options: { checkpointEvery?: number; now?: () => Date } = {},
  ) {
    this.databaseId = databaseId(db);
    this.head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO audit_log (seq, at_utc, pump_time, actor, role, witness, patient_id, pump_serial, action, old_json, new_json,
         reason, acks_json, library_version, outcome, prev_hash, hash) VALUES (${Array(17).fill('?').join(', ')})`,
    );
    this.insertCheckpoint = db.prepare('INSERT INTO audit_checkpoints (seq, head_hash, at_utc, mac) VALUES (?, ?, ?, ?)');
  }

  /**
   * Appends one record and returns its sequence number. Inside a caller's transaction the record
   * commits with it; call `commit()` (or `checkpoint()`) afterwards to sign a due checkpoint.
   */
  append(entry: AuditEntry): { seq: number; hash: string } {
    const write = () => {
      const last = this.head.get();
      const seq = (last?.seq ?? 0) + 1;
      const row = toRow(seq, entry, last?.hash ?? genesisHash(this.databaseId));
      const hash = hashRow(row);
      this.insert.run(...row, hash);
      if (seq % (this.options.checkpointEvery ?? 64) === 0) this.due = true;
      return { seq, hash };
    };
    if (this.db.inTransaction) return write();
    const result = this.db.transaction(write).immediate();
    this.checkpointIfDue();
    return result;
  }

  /** Runs `fn` in one write transaction (records and data commit together), then signs if due. */
  commit<T>(fn: () => T): T {
    const result = this.db.transaction(fn).immediate();
    this.checkpointIfDue();
    return result;
  }

  checkpointIfDue(): void {
    if (this.due && !this.db.inTransaction) this.checkpoint();
  }

  /** Signs the current chain head, in the database and in the key store's head file. */
  checkpoint(): SignedHead | undefined {
    if (this.db.inTransaction) throw new Error('checkpoint after the transaction commits, never inside it');
    const last = this.head.get();
    if (last === undefined) return undefined;
    const mac = checkpointMac(this.keys.key(this.databaseId), this.databaseId, last.seq, last.hash);
    this.insertCheckpoint.run(last.seq, last.hash, (this.options.now?.() ?? new Date()).toISOString(), mac);
    const head = { seq: last.seq, hash: last.hash, mac };
    this.keys.writeHead(this.databaseId, head);
    this.due = false;
    return head;
  }
}
