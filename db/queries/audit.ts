import type { Db } from '../connection';
import type { ExportedRecord } from '../audit/export';

export interface AuditQuery {
  patientId?: string | undefined;
  pumpSerial?: string | undefined;
  actor?: string | undefined;
  /** An action or its prefix: `pump.program` matches `pump.program.outcome` too. */
  action?: string | undefined;
  /** Inclusive UTC dates, YYYY-MM-DD. */
  from?: string | undefined;
  to?: string | undefined;
}

/** One record for the viewer: the stored fields it shows (the export's record, without the hashes). */
export type AuditListRow = Pick<ExportedRecord, 'seq' | 'atUtc' | 'actor' | 'role' | 'witness' | 'patientId' | 'pumpSerial' | 'action' | 'outcome' | 'reason' | 'oldJson' | 'newJson'>;

function where(q: AuditQuery): { sql: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  if (q.patientId !== undefined && q.patientId !== '') {
    clauses.push('patient_id = ?');
    params.push(q.patientId);
  }
  if (q.pumpSerial !== undefined && q.pumpSerial !== '') {
    clauses.push('pump_serial = ?');
    params.push(q.pumpSerial);
  }
  if (q.actor !== undefined && q.actor !== '') {
    clauses.push('(actor = ? OR witness = ?)');
    params.push(q.actor, q.actor);
  }
  if (q.action !== undefined && q.action !== '') {
    clauses.push("(action = ? OR action LIKE ? ESCAPE '\\')");
    params.push(q.action, `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`);
  }
  if (q.from !== undefined) {
    clauses.push('at_utc >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    clauses.push('at_utc < ?');
    params.push(nextDay(q.to));
  }
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

const nextDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Newest first, one page at a time; the indexes on patient, pump, actor, action and time serve the filters. */
export function listAudit(db: Db, q: AuditQuery, offset: number, limit: number): { total: number; rows: AuditListRow[] } {
  const w = where(q);
  const total = db.prepare<string[], number>(`SELECT count(*) FROM audit_log ${w.sql}`).pluck().get(...w.params) ?? 0;
  const rows = db
    .prepare<unknown[], AuditListRow>(
      `SELECT seq, at_utc AS atUtc, actor, role, witness, patient_id AS patientId, pump_serial AS pumpSerial, action, outcome, reason,
         old_json AS oldJson, new_json AS newJson FROM audit_log ${w.sql} ORDER BY seq DESC LIMIT ? OFFSET ?`,
    )
    .all(...w.params, limit, offset);
  return { total, rows };
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
