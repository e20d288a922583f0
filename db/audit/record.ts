import { UNSAFE_TEXT } from '../../core/unsafe-text';
import { createHash, createHmac, hash } from 'node:crypto';

export type AuditOutcome = 'confirmed' | 'rejected' | 'unconfirmed' | 'pending';

/** What a caller records; the store adds the sequence number and the hashes. */
export interface AuditEntry {
  atUtc: string;
  pumpTime?: string | null;
  actor: string;
  role?: string | null;
  witness?: string | null;
  patientId?: string | null;
  pumpSerial?: string | null;
  action: string;
  old?: unknown;
  new?: unknown;
  reason?: string | null;
  acknowledgements?: unknown;
  libraryVersion?: string | null;
  outcome: AuditOutcome;
}

/** The stored columns, in hash order (docs/audit.md). */
export const AUDIT_COLUMNS = [
  'seq',
  'at_utc',
  'pump_time',
  'actor',
  'role',
  'witness',
  'patient_id',
  'pump_serial',
  'action',
  'old_json',
  'new_json',
  'reason',
  'acks_json',
  'library_version',
  'outcome',
  'prev_hash',
] as const;

export type AuditRow = [
  seq: number,
  atUtc: string,
  pumpTime: string | null,
  actor: string,
  role: string | null,
  witness: string | null,
  patientId: string | null,
  pumpSerial: string | null,
  action: string,
  oldJson: string | null,
  newJson: string | null,
  reason: string | null,
  acksJson: string | null,
  libraryVersion: string | null,
  outcome: string,
  prevHash: string,
];

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Text as SQLite stores it: a lone UTF-16 surrogate (possible in a JavaScript string, e.g. from
 * JSON "\ud800" sent to the API or typed as a user name at sign-in) is stored as U+FFFD, so it is
 * hashed as U+FFFD too — otherwise the record would read back different from what was hashed, and
 * the whole trail would fail verification.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const stored = <T extends string | null>(text: T): T =>
  text === null ? text : (text.replace(LONE_SURROGATE, '\ufffd') as T);

export const toRow = (seq: number, entry: AuditEntry, prevHash: string): AuditRow => [
  seq,
  stored(entry.atUtc),
  stored(entry.pumpTime ?? null),
  stored(entry.actor),
  stored(entry.role ?? null),
  stored(entry.witness ?? null),
  stored(entry.patientId ?? null),
  stored(entry.pumpSerial ?? null),
  stored(entry.action),
  json(entry.old),
  json(entry.new),
  stored(entry.reason ?? null),
  json(entry.acknowledgements),
  stored(entry.libraryVersion ?? null),
  entry.outcome,
  prevHash,
];

/** hash = "sha256:" + hex SHA-256 of the UTF-8 JSON array of the columns above, in that order. */
// One-shot hashing: verification hashes every record, and this is its hot path.
export const hashRow = (row: readonly unknown[]): string => `sha256:${hash('sha256', JSON.stringify(row), 'hex')}`;

/** The same hash over JSON text already written (the array of the columns above). */
export const hashText = (text: string): string => `sha256:${hash('sha256', text, 'hex')}`;

/** The first record's prev_hash: binds the chain to this database file. */
export const genesisHash = (databaseId: string): string =>
  `sha256:${createHash('sha256').update(`genesis:${databaseId}`).digest('hex')}`;

/**
 * The checkpoint signature: HMAC-SHA256 with the key kept outside the database, over the database
 * id, the chain head and the digest of every `meta` row. Checkpoints written before the meta
 * digest existed (`metaHash` null) were signed over the id and the head only.
 */
export const checkpointMac = (
  key: Buffer,
  databaseId: string,
  seq: number,
  headHash: string,
  metaHash: string | null = null,
): string =>
  `hmac-sha256:${createHmac('sha256', key)
    .update(metaHash === null ? `${databaseId}:${seq}:${headHash}` : `v2:${databaseId}:${seq}:${headHash}:${metaHash}`)
    .digest('hex')}`;

/** The identifying columns of an entry (who, which patient and pump, what): none may carry unsafe text. */
export function assertSafeIdentifiers(entry: AuditEntry): void {
  for (const [field, value] of Object.entries({
    actor: entry.actor,
    role: entry.role,
    witness: entry.witness,
    patientId: entry.patientId,
    pumpSerial: entry.pumpSerial,
    action: entry.action,
    libraryVersion: entry.libraryVersion,
  })) {
    if (typeof value === 'string' && UNSAFE_TEXT.test(value))
      throw new Error(`audit ${field} contains a NUL byte or a bidirectional control character`);
  }
}
