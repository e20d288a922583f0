import type { Db } from '../connection';

export type AuditOutcome = 'confirmed' | 'rejected' | 'unconfirmed';

export interface AuditEntry {
  atUtc: string;
  actor: string;
  action: string;
  pumpSerial: string | null;
  detail: unknown;
  outcome: AuditOutcome;
}

/** Appends one audit record and returns its id. Callers wrap it in their own transaction. */
export function appendAudit(db: Db, entry: AuditEntry): number {
  const info = db
    .prepare(
      `INSERT INTO audit_log (at_utc, actor, action, pump_serial, detail_json, outcome)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(entry.atUtc, entry.actor, entry.action, entry.pumpSerial, JSON.stringify(entry.detail), entry.outcome);
  return Number(info.lastInsertRowid);
}
