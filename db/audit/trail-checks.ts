import type { Db } from '../connection';
import type { AuditKeyStore, SignedHead } from './key-store';
import { checkpointMac } from './record';

// What the trail must agree with before it is signed again, and what it still owes: read from
// what is on disk (the database, the head kept outside it), so a restart does not forget either.

interface Trail {
  db: Db;
  keys: AuditKeyStore;
  databaseId: string;
  /** The database file's location (its head is kept under it); undefined in memory. */
  location: string | undefined;
}

/** The head kept outside the database for this file; a damaged one counts as none (verification reports it). */
function externalHead(t: Trail): SignedHead | undefined {
  if (t.location === undefined) return undefined;
  try {
    return t.keys.readHead(t.location);
  } catch {
    return undefined;
  }
}

/** Why the trail no longer agrees with its last signature (the last checkpoint, the head kept outside it), if it does not. */
export function disagreement(t: Trail, key: Buffer, currentMeta: string): string | undefined {
  const signed: Array<{
    what: string;
    databaseId: string;
    seq: number;
    hash: string;
    mac: string;
    metaHash: string | null;
  }> = [];
  const cp = t.db
    .prepare<[], { seq: number; head_hash: string; mac: string; meta_hash: string | null }>(
      'SELECT seq, head_hash, mac, meta_hash FROM audit_checkpoints ORDER BY id DESC LIMIT 1',
    )
    .get();
  if (cp !== undefined)
    signed.push({
      what: 'the last checkpoint',
      databaseId: t.databaseId,
      seq: cp.seq,
      hash: cp.head_hash,
      mac: cp.mac,
      metaHash: cp.meta_hash,
    });
  // A damaged head file protects nothing; the next head written replaces it.
  const external = externalHead(t);
  if (external !== undefined) signed.push({ what: 'the signed head kept outside the database', ...external });
  const recordHash = t.db.prepare<[number], string>('SELECT hash FROM audit_log WHERE seq = ?').pluck();
  for (const s of signed) {
    if (s.databaseId !== t.databaseId) return `${s.what} belongs to database ${s.databaseId}, not ${t.databaseId}`;
    if (recordHash.get(s.seq) !== s.hash) return `${s.what} (record ${s.seq}) no longer matches the trail`;
    if (checkpointMac(key, t.databaseId, s.seq, s.hash, s.metaHash) !== s.mac)
      return `${s.what} was not signed with this key`;
    if (s.metaHash !== null && s.metaHash !== currentMeta) return `the meta table changed since ${s.what} was signed`;
  }
  return undefined;
}

/**
 * A signature this trail still owes: a signature that failed after the last checkpoint (an
 * `audit.checkpointFailed` record after it), or a head kept outside the database that is missing
 * or behind the last checkpoint (the head file could not be written), or beyond it (checkpoints
 * were removed: owed, and refused when tried). Undefined when nothing is owed, or nothing can be
 * signed here (no key: the trail is unverifiable anyway).
 */
export function owedSignature(t: Trail): string | undefined {
  if (t.keys.existingKey(t.databaseId) === undefined) return undefined;
  const cp = t.db.prepare<[], { seq: number }>('SELECT max(seq) AS seq FROM audit_checkpoints').get()?.seq ?? 0;
  const failed =
    t.db
      .prepare<[number], number>(`SELECT max(seq) FROM audit_log WHERE action = 'audit.checkpointFailed' AND seq > ?`)
      .pluck()
      .get(cp) ?? null;
  if (failed !== null)
    return `the signature that failed at record ${failed} is not made yet (the last signed record is ${cp})`;
  if (t.location === undefined) return undefined;
  let head: SignedHead | undefined;
  try {
    head = t.keys.readHead(t.location);
  } catch {
    return undefined; // a damaged head is an integrity failure for verification, not a debt
  }
  if (head === undefined)
    return cp === 0 ? undefined : `the signed head of this file (record ${cp}) was not written outside the database`;
  if (head.databaseId === t.databaseId && head.seq < cp)
    return `the signed head kept outside the database names record ${head.seq}, behind the last checkpoint (record ${cp})`;
  // Never so for a trail as it was written (the head is written after its checkpoint commits):
  // checkpoints were removed from the database. Signing is refused; verification fails.
  if (head.databaseId === t.databaseId && head.seq > cp)
    return `the signed head kept outside the database names record ${head.seq}, beyond the last checkpoint in the database (record ${cp}): the trail changed since it was signed`;
  return undefined;
}
