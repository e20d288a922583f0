import type { Db } from '../connection';
import type { AuditKeyStore, SignedHead } from './key-store';
import { KeyFileError } from './keys';
import { databaseId as readDatabaseId, databaseLocation, metaDigest } from './meta';
import { AUDIT_COLUMNS, checkpointMac, genesisHash, hashRow, hashText } from './record';

export type AuditProblem =
  | 'SEQUENCE_GAP'
  | 'CHAIN_BROKEN'
  | 'HASH_MISMATCH'
  | 'CHECKPOINT_MISMATCH'
  | 'CHECKPOINT_FORGED'
  | 'TRUNCATED'
  /** The database id or another `meta` row differs from what was signed. */
  | 'META_CHANGED'
  | 'UNREADABLE';

/**
 * `intact`: the chain verifies and its signed checkpoints were checked with the key.
 * `unverifiable`: the chain is consistent but nothing in it could be checked against a key (the
 * key is not here, or no record is signed yet): anyone can re-compute such a chain.
 * `failed`: a check failed (`firstFailure`).
 */
export type AuditStatus = 'intact' | 'unverifiable' | 'failed';

export interface AuditVerifyReport {
  /** False when a check failed; true for an intact *or* an unverifiable trail (see `status`). */
  ok: boolean;
  status: AuditStatus;
  records: number;
  /** The first record (by sequence number) that fails, and why. */
  firstFailure?: { seq: number; problem: AuditProblem; message: string };
  /** Why an unverifiable trail could not be checked. */
  unverifiableReason?: string;
  checkpoints: { total: number; verified: number; keyAvailable: boolean };
  lastCheckpointSeq: number;
  /** Records after the last signed checkpoint: a truncation there cannot be told from a shorter log. */
  unprotectedTail: number;
  /**
   * The signed head kept outside the database names an earlier record than the last checkpoint in
   * it: the head file was not written after that checkpoint (a crash between the commit and the
   * head write, a full or read-only key folder). The trail still verifies, but removing the records
   * and checkpoints after the head could not be detected; the app writes the head when it next signs.
   */
  headBehind?: { headSeq: number; lastCheckpointSeq: number };
  databaseId: string;
}

interface Signed {
  seq: number;
  head_hash: string;
  mac: string;
  meta_hash: string | null;
  external: boolean;
}

/**
 * Verifies the whole trail: consecutive sequence numbers, each record's hash over its content,
 * each record naming its predecessor's hash, every signed checkpoint (and the signed head kept
 * outside the database for this file) matching the chain, the database id and the `meta` table
 * being those that were signed. Reports the first failing record.
 *
 * `location` names the database file whose head to check (by default the file `db` was opened
 * from; a caller verifying a temporary copy passes the original's).
 */
export function verifyAudit(db: Db, keys?: AuditKeyStore, options: { location?: string } = {}): AuditVerifyReport {
  const id = readDatabaseId(db);
  const key = keys?.existingKey(id);
  const currentMeta = metaDigest(db);
  const checkpoints = db
    .prepare<[], Omit<Signed, 'external'>>('SELECT seq, head_hash, mac, meta_hash FROM audit_checkpoints ORDER BY id')
    .all();

  const report: AuditVerifyReport = {
    ok: true,
    status: 'intact',
    records: 0,
    checkpoints: { total: checkpoints.length, verified: 0, keyAvailable: key !== undefined },
    lastCheckpointSeq: 0,
    unprotectedTail: 0,
    databaseId: id,
  };
  const fail = (seq: number, problem: AuditProblem, message: string) => {
    if (report.firstFailure === undefined) report.firstFailure = { seq, problem, message };
    report.ok = false;
    report.status = 'failed';
  };

  const location = options.location ?? databaseLocation(db);
  let external: SignedHead | undefined;
  if (keys !== undefined && location !== undefined) {
    try {
      external = keys.readHead(location);
    } catch (e) {
      if (!(e instanceof KeyFileError)) throw e;
      fail(0, 'UNREADABLE', e.message);
      return report;
    }
  }
  if (external !== undefined && external.databaseId !== id) {
    fail(
      1,
      'META_CHANGED',
      `the database id in the file (${id}) is not the one signed for this file (${external.databaseId}): the id was changed and the chain re-computed`,
    );
    return report;
  }
  const signed: Signed[] = checkpoints.map((c) => ({ ...c, external: false }));
  if (external !== undefined)
    signed.push({
      seq: external.seq,
      head_hash: external.hash,
      mac: external.mac,
      meta_hash: external.metaHash,
      external: true,
    });
  report.checkpoints.total = signed.length;
  const bySeq = new Map<number, Signed[]>();
  for (const c of signed) bySeq.set(c.seq, [...(bySeq.get(c.seq) ?? []), c]);

  let expectedSeq = 1;
  let prevHash = genesisHash(id);
  // SQLite writes each record's hashed JSON array itself (one string per record instead of sixteen
  // values, and no JSON.stringify here): the hot path of verification. Its text is byte for byte
  // JSON.stringify's for the values the trail holds; where it ever is not, the record is hashed
  // again as the rule says (docs/audit.md) before it is called changed.
  const rows = db
    .prepare(`SELECT seq, prev_hash, hash, json_array(${AUDIT_COLUMNS.join(', ')}) FROM audit_log ORDER BY seq`)
    .raw(true);
  const exactRow = db.prepare<[number]>(`SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log WHERE seq = ?`).raw(true);
  const noCheckpoints: Signed[] = [];
  for (const [seq, prev, stored, text] of rows.iterate() as IterableIterator<[number, string, string, string]>) {
    report.records++;
    if (seq !== expectedSeq)
      fail(
        expectedSeq,
        'SEQUENCE_GAP',
        `record ${expectedSeq} is missing (next present is ${seq}): a record was deleted or inserted`,
      );
    else if (prev !== prevHash)
      fail(
        seq,
        'CHAIN_BROKEN',
        `record ${seq} does not follow record ${seq - 1}: records were deleted, inserted or reordered`,
      );
    else if (hashText(text) !== stored && hashRow(exactRow.get(seq) as unknown[]) !== stored)
      fail(seq, 'HASH_MISMATCH', `record ${seq} was changed after it was written`);
    if (report.firstFailure !== undefined) break;
    for (const c of bySeq.get(seq) ?? noCheckpoints) {
      if (c.head_hash !== stored) {
        fail(
          seq,
          'CHECKPOINT_MISMATCH',
          `the signed ${c.external ? 'head kept outside the database' : 'checkpoint'} at record ${seq} does not match the chain: the chain was re-computed after a change`,
        );
      } else if (key !== undefined && c.mac !== checkpointMac(key, id, seq, stored, c.meta_hash)) {
        fail(
          seq,
          'CHECKPOINT_FORGED',
          `the checkpoint at record ${seq} does not carry a valid signature (or the meta table it signed was changed)`,
        );
      } else if (key !== undefined) {
        report.checkpoints.verified++;
        report.lastCheckpointSeq = seq;
      }
    }
    if (report.firstFailure !== undefined) break;
    prevHash = stored;
    expectedSeq = seq + 1;
  }
  if (report.ok) {
    const lastSeq = expectedSeq - 1;
    const beyond = signed.filter((c) => c.seq > lastSeq).map((c) => c.seq);
    if (beyond.length > 0) {
      fail(
        lastSeq + 1,
        'TRUNCATED',
        `the log ends at record ${lastSeq} but a signed checkpoint names record ${Math.max(...beyond)}: records were removed from the end`,
      );
    }
  }
  if (report.ok) {
    // The latest signature (the external head wins a tie) must have been made over today's meta table.
    const latest = [...signed]
      .filter((c) => c.meta_hash !== null)
      .sort((a, b) => a.seq - b.seq || Number(a.external) - Number(b.external))
      .at(-1);
    if (latest !== undefined && latest.meta_hash !== currentMeta) {
      fail(
        latest.seq,
        'META_CHANGED',
        `the meta table (database id and settings of the trail) differs from the one signed at record ${latest.seq}`,
      );
    }
  }
  if (report.ok && external !== undefined) {
    const lastInDb = checkpoints.reduce((max, c) => Math.max(max, c.seq), 0);
    if (lastInDb > external.seq) report.headBehind = { headSeq: external.seq, lastCheckpointSeq: lastInDb };
  }
  if (report.ok) {
    report.unprotectedTail = key === undefined ? report.records : report.records - report.lastCheckpointSeq;
    if (report.records > 0 && key === undefined) {
      report.status = 'unverifiable';
      report.unverifiableReason = `the checkpoint key of database ${id} is not in the key store, so nothing could be checked against it: anyone can re-compute a hash chain`;
    } else if (report.records > 0 && report.checkpoints.verified === 0) {
      report.status = 'unverifiable';
      report.unverifiableReason = 'no record of this trail is signed yet, so nothing could be checked against the key';
    }
  }
  return report;
}
