import type { Db } from '../connection';
import type { AuditKeyStore } from './keys';
import { databaseId as readDatabaseId } from './log';
import { checkpointMac, genesisHash, hashRow } from './record';

export type AuditProblem =
  | 'SEQUENCE_GAP'
  | 'CHAIN_BROKEN'
  | 'HASH_MISMATCH'
  | 'CHECKPOINT_MISMATCH'
  | 'CHECKPOINT_FORGED'
  | 'TRUNCATED'
  | 'UNREADABLE';

export interface AuditVerifyReport {
  ok: boolean;
  records: number;
  /** The first record (by sequence number) that fails, and why. */
  firstFailure?: { seq: number; problem: AuditProblem; message: string };
  checkpoints: { total: number; verified: number; keyAvailable: boolean };
  lastCheckpointSeq: number;
  /** Records after the last signed checkpoint: a truncation there cannot be told from a shorter log. */
  unprotectedTail: number;
  databaseId: string;
}

/**
 * Verifies the whole trail: consecutive sequence numbers, each record's hash over its content,
 * each record naming its predecessor's hash, every signed checkpoint (and the signed head kept
 * outside the database) matching the chain. Reports the first failing record.
 */
export function verifyAudit(db: Db, keys?: AuditKeyStore): AuditVerifyReport {
  const id = readDatabaseId(db);
  const key = keys?.existingKey(id);
  const checkpoints = db
    .prepare<[], { seq: number; head_hash: string; mac: string }>('SELECT seq, head_hash, mac FROM audit_checkpoints ORDER BY id')
    .all();
  const external = keys?.readHead(id);
  const signed = external === undefined ? checkpoints : [...checkpoints, { seq: external.seq, head_hash: external.hash, mac: external.mac }];
  const bySeq = new Map<number, Array<{ head_hash: string; mac: string }>>();
  for (const c of signed) bySeq.set(c.seq, [...(bySeq.get(c.seq) ?? []), c]);

  const report: AuditVerifyReport = {
    ok: true,
    records: 0,
    checkpoints: { total: signed.length, verified: 0, keyAvailable: key !== undefined },
    lastCheckpointSeq: 0,
    unprotectedTail: 0,
    databaseId: id,
  };
  const fail = (seq: number, problem: AuditProblem, message: string) => {
    if (report.firstFailure === undefined) report.firstFailure = { seq, problem, message };
    report.ok = false;
  };

  let expectedSeq = 1;
  let prevHash = genesisHash(id);
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').raw(true);
  for (const raw of rows.iterate() as IterableIterator<unknown[]>) {
    const stored = raw[16] as string;
    const row = raw.slice(0, 16);
    const seq = row[0] as number;
    report.records++;
    if (seq !== expectedSeq) fail(expectedSeq, 'SEQUENCE_GAP', `record ${expectedSeq} is missing (next present is ${seq}): a record was deleted or inserted`);
    else if (row[15] !== prevHash) fail(seq, 'CHAIN_BROKEN', `record ${seq} does not follow record ${seq - 1}: records were deleted, inserted or reordered`);
    else if (hashRow(row) !== stored) fail(seq, 'HASH_MISMATCH', `record ${seq} was changed after it was written`);
    if (report.firstFailure !== undefined) break;
    for (const c of bySeq.get(seq) ?? []) {
      if (c.head_hash !== stored) {
        fail(seq, 'CHECKPOINT_MISMATCH', `the signed checkpoint at record ${seq} does not match the chain: the chain was re-computed after a change`);
      } else if (key !== undefined && c.mac !== checkpointMac(key, id, seq, stored)) {
        fail(seq, 'CHECKPOINT_FORGED', `the checkpoint at record ${seq} does not carry a valid signature`);
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
      fail(lastSeq + 1, 'TRUNCATED', `the log ends at record ${lastSeq} but a signed checkpoint names record ${Math.max(...beyond)}: records were removed from the end`);
    }
    report.unprotectedTail = key === undefined ? report.records : lastSeq - report.lastCheckpointSeq;
  }
  return report;
}
