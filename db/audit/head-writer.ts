import type { Db } from '../connection';
import type { AuditKeyStore, SignedHead } from './key-store';

/**
 * Writes the signed heads of one database file outside it (the key store's head file), and
 * remembers each head until it is written: until then only this process's memory says what was
 * signed, and a retry must sign only a trail that still holds it (`changedSinceSigned`).
 */
export class HeadWriter {
  /** Heads signed and stored in the database but not yet in the head file: record → chain hash. */
  private readonly unpublished = new Map<number, string>();
  /** The head file write in progress off the caller's path, and the latest head waiting for it. */
  private writing: Promise<void> | undefined;
  private next: SignedHead | undefined;
  private readonly checkpointAt;
  private readonly recordHash;

  constructor(
    db: Db,
    private readonly keys: AuditKeyStore,
    private readonly location: string | undefined,
  ) {
    this.checkpointAt = db
      .prepare<[number, string], number>('SELECT count(*) FROM audit_checkpoints WHERE seq = ? AND head_hash = ?')
      .pluck();
    this.recordHash = db.prepare<[number], string>('SELECT hash FROM audit_log WHERE seq = ?').pluck();
  }

  /** The head just stored in the database, written now (after its commit: it never names an uncommitted record). */
  write(head: SignedHead): void {
    if (this.location === undefined) return;
    this.unpublished.set(head.seq, head.hash);
    this.keys.writeHead(this.location, head);
    this.written(head);
  }

  /**
   * Writes `head` without waiting for it: one write at a time, and of the heads signed meanwhile
   * only the latest (the head file never moves backwards, so the earlier ones would be skipped
   * anyway). Until a head is written it is remembered, as for a write that failed; a failure goes
   * to `onFailure` (the host records and retries it).
   */
  writeLater(head: SignedHead, onFailure: (error: unknown) => void): void {
    const location = this.location;
    if (location === undefined) return;
    this.unpublished.set(head.seq, head.hash);
    if (this.writing !== undefined) {
      this.next = head;
      return;
    }
    const write =
      this.keys.writeHeadAsync?.(location, head) ?? Promise.resolve().then(() => this.keys.writeHead(location, head));
    this.writing = write
      .then(() => this.written(head), onFailure)
      .finally(() => {
        this.writing = undefined;
        const next = this.next;
        this.next = undefined;
        if (next !== undefined) this.writeLater(next, onFailure);
      });
  }

  /** Resolves when no head file write is in progress. */
  async settled(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  private written(head: SignedHead): void {
    for (const seq of [...this.unpublished.keys()]) if (seq <= head.seq) this.unpublished.delete(seq);
  }

  /**
   * Why the database no longer holds what this process signed but has not written to the head
   * file (its checkpoint row, and the record's hash at that sequence number), if it does not.
   */
  changedSinceSigned(): string | undefined {
    for (const [seq, hash] of this.unpublished) {
      if (this.checkpointAt.get(seq, hash) === 0 || this.recordHash.get(seq) !== hash)
        return `the audit trail changed since it was signed: the checkpoint at record ${seq} signed by this process is no longer in the database as it was signed`;
    }
    return undefined;
  }
}
