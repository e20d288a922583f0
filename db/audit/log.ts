import type { Db } from '../connection';
import { HeadWriter } from './head-writer';
import { prepareLogStatements, type LogStatements } from './log-statements';
import type { AuditKeyStore, SignedHead } from './key-store';
import { databaseId, databaseLocation, digestOfMeta } from './meta';
import { assertSafeIdentifiers, checkpointMac, genesisHash, hashRow, toRow, type AuditEntry } from './record';
import { disagreement, owedSignature } from './trail-checks';

export { databaseId, databaseLocation, metaDigest } from './meta';

/** Actions after which the chain head is signed at once (the end of a user's session). */
const SIGN_AFTER = new Set(['user.signOut']);

/** A head signed in a write transaction, and why it was due. */
interface Signed {
  head: SignedHead;
  why: 'count' | 'session';
}

/**
 * The append-only, hash-chained audit trail. Each append reads the chain head inside the same
 * transaction, so records from several processes still form one chain. Every `checkpointEvery`
 * records, after a sign-out (and on `checkpoint()`), the head is signed with the key outside the
 * database.
 *
 * Keys are never made on demand: the key of a database is created when its trail is still empty
 * (a new database). A trail whose key is not in the key store is recorded and chained but not
 * signed, and verification says it cannot be checked: signing it with a fresh key would bless
 * whatever it now contains.
 */
export class AuditLog {
  readonly databaseId: string;
  readonly location: string | undefined;
  /** Why the last checkpoint was not signed, if it was not. */
  signingProblem: string | undefined;
  /** What kind of refusal `signingProblem` is: the key is not here, or the trail no longer agrees with what was signed. */
  signingRefusal: 'noKey' | 'trailChanged' | undefined;
  /** A checkpoint is due: 'count' every `checkpointEvery` records, 'session' after a sign-out. */
  private due: 'count' | 'session' | undefined;
  /**
   * The last record this process committed on its own (not inside a caller's transaction), so the
   * next append need not read the head first: its INSERT checks in the same statement that this
   * is still the last record (any other writer, or a changed tail, makes it fall back).
   */
  private last: { seq: number; hash: string } | undefined;
  private readonly sql: LogStatements;
  /** The head file: what was signed is written outside the database, and remembered until it is. */
  private readonly heads: HeadWriter;
  /** One record in its own write transaction, signed in that transaction when a checkpoint falls due. */
  private readonly appendTx;
  /** A caller's work in one write transaction, signed in it when a checkpoint falls due. */
  private readonly commitTx;
  /** The checkpoint row, in a savepoint: a signature that cannot be stored never undoes the records. */
  private readonly storeCheckpoint;

  constructor(
    private readonly db: Db,
    private readonly keys: AuditKeyStore,
    private readonly options: {
      checkpointEvery?: number;
      now?: () => Date;
      location?: string;
      /**
       * Called, instead of throwing, when records were committed by `append()` or `commit()` but
       * the signature due after them could not be made (a full or read-only key folder): the host
       * records the debt and retries it. Without it, the call throws after its records committed.
       */
      onSigningFailure?: (error: unknown) => void;
    } = {},
  ) {
    this.databaseId = databaseId(db);
    this.location = options.location ?? databaseLocation(db);
    this.sql = prepareLogStatements(db);
    this.heads = new HeadWriter(db, keys, this.location);
    this.appendTx = db.transaction((entry: AuditEntry) => {
      const record = this.write(entry);
      return { record, signed: this.signDueInside() };
    });
    this.commitTx = db.transaction(<T>(fn: () => T) => {
      const value = fn();
      return { value, signed: this.signDueInside() };
    });
    this.storeCheckpoint = db.transaction((head: SignedHead, atUtc: string) => {
      this.sql.insertCheckpoint.run(head.seq, head.hash, atUtc, head.mac, head.metaHash);
    });
    this.establishKey();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** A new database (no record, no checkpoint) gets its key; an existing trail never gets one silently. */
  private establishKey(): void {
    if (this.keys.existingKey(this.databaseId) !== undefined) return;
    const empty = this.sql.head.get() === undefined && this.sql.lastCheckpoint.get() === undefined;
    if (!empty) return;
    this.keys.createKey(this.databaseId);
    if (this.location === undefined) return;
    let previous: SignedHead | undefined;
    try {
      previous = this.keys.readHead(this.location);
    } catch {
      previous = undefined;
    }
    if (previous !== undefined && previous.databaseId !== this.databaseId) {
      // A new database where another one was: the new trail says which one it replaced.
      this.keys.removeHead(this.location);
      this.append({
        atUtc: this.now().toISOString(),
        actor: 'system',
        action: 'audit.newDatabase',
        new: {
          databaseId: this.databaseId,
          replaces: { databaseId: previous.databaseId, lastSignedSeq: previous.seq, lastSignedHash: previous.hash },
        },
        outcome: 'confirmed',
      });
    }
  }

  /**
   * Appends one record and returns its sequence number. Inside a caller's transaction the record
   * commits with it; call `commit()` (or `checkpoint()`) afterwards to sign a due checkpoint.
   * On its own, the record commits in one write transaction, which also stores the checkpoint
   * when one falls due; the signed head is written outside the database after that commit.
   */
  append(entry: AuditEntry): { seq: number; hash: string } {
    assertSafeIdentifiers(entry);
    if (this.db.inTransaction) {
      // The caller's transaction may still roll back: what it writes is not remembered as the last record.
      this.last = undefined;
      return this.write(entry);
    }
    const quick = this.appendAfterLast(entry);
    if (quick !== undefined) return quick;
    const { record, signed } = this.appendTx.immediate(entry);
    this.last = record;
    this.afterCommit(signed);
    return record;
  }

  /**
   * The common append, one statement in its own (autocommit) transaction: chained to the last
   * record this process committed, inserted only if that record is still the last one with that
   * hash (checked by the INSERT itself, under the write lock). Undefined when it did not apply —
   * another process appended, the tail changed, or this record makes a checkpoint due — and the
   * record is then appended after reading the head, as always.
   */
  private appendAfterLast(entry: AuditEntry): { seq: number; hash: string } | undefined {
    const last = this.last;
    if (last === undefined || this.due !== undefined) return undefined;
    const seq = last.seq + 1;
    if (this.dueAfter(seq, entry) !== undefined) return undefined;
    const row = toRow(seq, entry, last.hash);
    const hash = hashRow(row);
    if (this.sql.insertAfter.run(...row, hash, last.seq, last.hash, last.seq).changes !== 1) {
      this.last = undefined;
      return undefined;
    }
    this.last = { seq, hash };
    return this.last;
  }

  /** Whether appending record `seq` makes a checkpoint due, and why. */
  private dueAfter(seq: number, entry: AuditEntry): 'count' | 'session' | undefined {
    if (SIGN_AFTER.has(entry.action)) return 'session';
    return seq % (this.options.checkpointEvery ?? 64) === 0 ? 'count' : undefined;
  }

  /** Runs `fn` in one write transaction (records and data commit together, with a due checkpoint), then writes the signed head. */
  commit<T>(fn: () => T): T {
    // Nested in a caller's transaction: a savepoint; signing waits for the outer commit.
    if (this.db.inTransaction) return this.db.transaction(fn)();
    const { value, signed } = this.commitTx.immediate(fn) as { value: T; signed: Signed | undefined };
    this.afterCommit(signed);
    return value;
  }

  checkpointIfDue(): void {
    if (this.due !== undefined && !this.db.inTransaction) this.checkpoint();
  }

  private write(entry: AuditEntry): { seq: number; hash: string } {
    const last = this.sql.head.get();
    const seq = (last?.seq ?? 0) + 1;
    const row = toRow(seq, entry, last?.hash ?? genesisHash(this.databaseId));
    const hash = hashRow(row);
    this.sql.insert.run(...row, hash);
    const due = this.dueAfter(seq, entry);
    if (due === 'session' || (due === 'count' && this.due === undefined)) this.due = due;
    return { seq, hash };
  }

  /**
   * Inside the write transaction that made a checkpoint due: signs the head and stores the
   * checkpoint with the records (one commit, one sync, instead of a second transaction). Anything
   * that goes wrong leaves the checkpoint due, to be made after the commit as `checkpoint()` does,
   * so the records commit whatever happens to their signature.
   */
  private signDueInside(): Signed | undefined {
    const why = this.due;
    if (why === undefined) return undefined;
    try {
      const head = this.sign();
      if (head !== undefined) this.storeCheckpoint(head, this.now().toISOString());
      this.due = undefined;
      return head === undefined ? undefined : { head, why };
    } catch {
      return undefined;
    }
  }

  /**
   * After the commit: the head signed in it is written outside the database; a checkpoint still
   * due is made now. The head of a checkpoint due by count is written off the append path when the
   * host takes signing failures (`onSigningFailure`, called when the write fails): the append
   * returns after its commit, and the head file is written and synced meanwhile. A session's end
   * (sign-out) is written before it returns.
   */
  private afterCommit(signed: Signed | undefined): void {
    try {
      if (signed === undefined) this.checkpointIfDue();
      else if (signed.why === 'count' && this.options.onSigningFailure !== undefined)
        this.heads.writeLater(signed.head, this.options.onSigningFailure);
      else this.publish(signed.head);
    } catch (e) {
      if (this.options.onSigningFailure === undefined) throw e;
      this.options.onSigningFailure(e);
    }
  }

  /** Resolves when no head file write is in progress (before closing the database, or to read the head file). */
  async settled(): Promise<void> {
    await this.heads.settled();
  }

  /**
   * Signs the current chain head, in the database and in the key store's head file. Signs only
   * with this database's own key, and only a trail that still agrees with its last signature (the
   * last checkpoint and the head kept outside the database): a key from another folder, or a trail
   * changed since it was last signed, is never signed over. Returns undefined when it did not sign
   * (the reason is in `signingProblem`).
   */
  checkpoint(): SignedHead | undefined {
    if (this.db.inTransaction) throw new Error('checkpoint after the transaction commits, never inside it');
    this.due = undefined;
    const head = this.sign();
    if (head === undefined) return undefined;
    this.sql.insertCheckpoint.run(head.seq, head.hash, this.now().toISOString(), head.mac, head.metaHash);
    this.publish(head);
    return head;
  }

  /** The signed current head, or undefined (and why, in `signingProblem`) when it must not be signed. Writes nothing. */
  private sign(): SignedHead | undefined {
    const last = this.sql.head.get();
    if (last === undefined) return undefined;
    const key = this.keys.existingKey(this.databaseId);
    if (key === undefined)
      return this.refuse('noKey', `the audit key of database ${this.databaseId} is not in the key store`);
    const changed = this.heads.changedSinceSigned();
    if (changed !== undefined) return this.refuse('trailChanged', changed);
    const metaHash = digestOfMeta(this.sql.metaRows);
    const problem = disagreement(this.trail, key, metaHash);
    if (problem !== undefined) return this.refuse('trailChanged', problem);
    const mac = checkpointMac(key, this.databaseId, last.seq, last.hash, metaHash);
    return { databaseId: this.databaseId, seq: last.seq, hash: last.hash, metaHash, mac };
  }

  /** The head just stored in the database, written outside it (after its commit: it never names an uncommitted record). */
  private publish(head: SignedHead): void {
    this.heads.write(head);
    this.signingProblem = undefined;
    this.signingRefusal = undefined;
  }

  /**
   * A signature this trail still owes, re-derived from what is on disk so a restart does not forget
   * it (`owedSignature`); undefined when nothing is owed.
   */
  signatureOwed(): string | undefined {
    return owedSignature(this.trail);
  }

  private get trail() {
    return { db: this.db, keys: this.keys, databaseId: this.databaseId, location: this.location };
  }

  private refuse(kind: 'noKey' | 'trailChanged', problem: string): undefined {
    this.signingRefusal = kind;
    this.signingProblem = problem;
    return undefined;
  }
}
