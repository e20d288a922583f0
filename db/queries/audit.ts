import type { Db } from '../connection';
import type { ExportedRecord } from '../audit/export';

export interface AuditQuery {
  patientId?: string | undefined;
  /** The patient's name (any part of it, any case) or exact ID. */
  patient?: string | undefined;
  pumpSerial?: string | undefined;
  actor?: string | undefined;
  /** An action or its prefix: `pump.program` matches `pump.program.outcome` too. */
  action?: string | undefined;
  /** Inclusive UTC dates, YYYY-MM-DD. */
  from?: string | undefined;
  to?: string | undefined;
}

/** One record for the viewer: the stored fields it shows (the export's record, without the hashes), with the names of the people in it. */
export type AuditListRow = Pick<
  ExportedRecord,
  | 'seq'
  | 'atUtc'
  | 'actor'
  | 'role'
  | 'witness'
  | 'patientId'
  | 'pumpSerial'
  | 'action'
  | 'outcome'
  | 'reason'
  | 'oldJson'
  | 'newJson'
> & {
  patientName: string | null;
  actorName: string | null;
  witnessName: string | null;
};

/** LIKE with the user's text taken literally (no wildcards of their own). */
const contains = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function where(q: AuditQuery): { sql: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  if (q.patientId !== undefined && q.patientId !== '') {
    clauses.push('a.patient_id = ?');
    params.push(q.patientId);
  }
  if (q.patient !== undefined && q.patient !== '') {
    // Through the patients table: the trail keeps the ID, people search by name too.
    clauses.push(
      "a.patient_id IN (SELECT identifier FROM patients WHERE identifier = ? COLLATE NOCASE OR name LIKE ? ESCAPE '\\')",
    );
    params.push(q.patient, contains(q.patient));
  }
  if (q.pumpSerial !== undefined && q.pumpSerial !== '') {
    clauses.push('a.pump_serial = ?');
    params.push(q.pumpSerial);
  }
  if (q.actor !== undefined && q.actor !== '') {
    // A user name or any part of the person's name, as the actor or as the witness.
    const people = "SELECT username FROM users WHERE username = ? OR display_name LIKE ? ESCAPE '\\'";
    clauses.push(`(a.actor = ? OR a.witness = ? OR a.actor IN (${people}) OR a.witness IN (${people}))`);
    params.push(q.actor, q.actor, q.actor, contains(q.actor), q.actor, contains(q.actor));
  }
  if (q.action !== undefined && q.action !== '') {
    clauses.push("(a.action = ? OR a.action LIKE ? ESCAPE '\\')");
    params.push(q.action, `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`);
  }
  if (q.from !== undefined) {
    clauses.push('a.at_utc >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    clauses.push('a.at_utc < ?');
    params.push(nextDay(q.to));
  }
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

const nextDay = (date: string): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Newest first, one page at a time; the indexes on patient, pump, actor, action and time serve the filters. */
export function listAudit(
  db: Db,
  q: AuditQuery,
  offset: number,
  limit: number,
): { total: number; rows: AuditListRow[] } {
  const w = where(q);
  const total =
    db
      .prepare<string[], number>(`SELECT count(*) FROM audit_log a ${w.sql}`)
      .pluck()
      .get(...w.params) ?? 0;
  // The page is chosen first (on the trail's own indexes), then its few rows are given names.
  const rows = db
    .prepare<unknown[], AuditListRow>(
      `${SELECT_ROW} FROM (SELECT * FROM audit_log a ${w.sql} ORDER BY a.seq DESC LIMIT ? OFFSET ?) a ${NAMES} ORDER BY a.seq DESC`,
    )
    .all(...w.params, limit, offset);
  return { total, rows };
}

const SELECT_ROW = `SELECT a.seq, a.at_utc AS atUtc, a.actor, a.role, a.witness, a.patient_id AS patientId, a.pump_serial AS pumpSerial, a.action, a.outcome, a.reason,
  a.old_json AS oldJson, a.new_json AS newJson, p.name AS patientName, ua.display_name AS actorName, uw.display_name AS witnessName`;
const NAMES =
  'LEFT JOIN patients p ON p.identifier = a.patient_id LEFT JOIN users ua ON ua.username = a.actor LEFT JOIN users uw ON uw.username = a.witness';

/** One record in full, with the names of the people in it. */
export function auditRecord(
  db: Db,
  seq: number,
): (AuditListRow & { pumpTime: string | null; libraryVersion: string | null }) | undefined {
  return db
    .prepare<[number], AuditListRow & { pumpTime: string | null; libraryVersion: string | null }>(
      `${SELECT_ROW}, a.pump_time AS pumpTime, a.library_version AS libraryVersion FROM audit_log a ${NAMES} WHERE a.seq = ?`,
    )
    .get(seq);
}

/** Confirmed program changes of one pump, oldest first: its dose history. */
export function doseHistory(db: Db, pumpSerial: string): Array<{ atUtc: string; newJson: string }> {
  return db
    .prepare<[string], { atUtc: string; newJson: string }>(
      `SELECT i.at_utc AS atUtc, i.new_json AS newJson FROM programming_sessions s JOIN audit_log i ON i.seq = s.intent_audit_seq
        WHERE s.pump_serial = ? AND s.outcome = 'confirmed' ORDER BY s.id`,
    )
    .all(pumpSerial);
}
