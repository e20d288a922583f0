import type { Db } from '../connection';

export type SessionOutcome = 'pending' | 'confirmed' | 'rejected' | 'unconfirmed';

export interface SessionRow {
  id: number;
  sessionUuid: string;
  pumpSerial: string;
  startedAt: string;
  actor: string;
  intentJson: string;
  outcome: SessionOutcome;
}

export function insertSession(
  db: Db,
  s: {
    sessionUuid: string;
    pumpSerial: string;
    startedAt: string;
    actor: string;
    witness: string | null;
    intentJson: string;
    intentAuditSeq: number;
  },
): number {
  return Number(
    db
      .prepare(
        'INSERT INTO programming_sessions (session_uuid, pump_serial, started_at, actor, witness, intent_json, intent_audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(s.sessionUuid, s.pumpSerial, s.startedAt, s.actor, s.witness, s.intentJson, s.intentAuditSeq)
      .lastInsertRowid,
  );
}

export function setSessionOutcome(
  db: Db,
  id: number,
  outcome: SessionOutcome,
  resolvedAt: string,
  auditSeq: number,
): void {
  // Only an open session: one already settled (by another process reading the pump) keeps its
  // outcome; the later record stays in the trail beside it.
  db.prepare(
    `UPDATE programming_sessions SET outcome = ?, resolved_at = ?, outcome_audit_seq = ? WHERE id = ? AND outcome IN ('pending', 'unconfirmed')`,
  ).run(outcome, resolvedAt, auditSeq, id);
}

/** A session's outcome now (another process may have settled it). */
export const sessionOutcome = (db: Db, id: number): SessionOutcome | undefined =>
  db.prepare<[number], SessionOutcome>('SELECT outcome FROM programming_sessions WHERE id = ?').pluck().get(id);

/** Whether a pump has a session newer than the row id `since` (made by another process since a read). */
export const sessionsSince = (db: Db, since: number, pumpSerial: string): boolean =>
  db
    .prepare<[number, string], number>('SELECT 1 FROM programming_sessions WHERE id > ? AND pump_serial = ? LIMIT 1')
    .pluck()
    .get(since, pumpSerial) !== undefined;

/** The newest session (its row id; 0 when there is none): a write refuses if one of its pump is newer than its read. */
export const lastSessionId = (db: Db): number =>
  db.prepare<[], number | null>('SELECT max(id) FROM programming_sessions').pluck().get() ?? 0;

/** Sessions of a pump whose outcome is not known: they block programming (on `programming_sessions_pump`). */
export const openSessions = (db: Db, pumpSerial: string): SessionRow[] =>
  db
    .prepare<[string], SessionRow>(
      `SELECT id, session_uuid AS sessionUuid, pump_serial AS pumpSerial, started_at AS startedAt, actor, intent_json AS intentJson, outcome
       FROM programming_sessions WHERE pump_serial = ? AND outcome IN ('pending', 'unconfirmed') ORDER BY id`,
    )
    .all(pumpSerial);

/** Every session, of any pump, whose outcome is not known (on the partial index `programming_sessions_open`). */
export const allOpenSessions = (db: Db): SessionRow[] =>
  db
    .prepare<[], SessionRow>(
      `SELECT id, session_uuid AS sessionUuid, pump_serial AS pumpSerial, started_at AS startedAt, actor, intent_json AS intentJson, outcome
       FROM programming_sessions WHERE outcome IN ('pending', 'unconfirmed') ORDER BY id`,
    )
    .all();

/** The confirmed program writes of a pump since a time, oldest first (on `programming_sessions_history`). */
export const confirmedPrograms = (
  db: Db,
  pumpSerial: string,
  sinceIso: string,
): Array<{ startedAt: string; intentJson: string }> =>
  db
    .prepare<[string, string], { startedAt: string; intentJson: string }>(
      `SELECT started_at AS startedAt, intent_json AS intentJson FROM programming_sessions
       WHERE pump_serial = ? AND outcome = 'confirmed' AND started_at >= ? ORDER BY started_at, id`,
    )
    .all(pumpSerial, sinceIso);

/**
 * The confirmed clinician boluses of a pump since a time, oldest first: sessions whose intent
 * carries a `bolus` (the program in it is the one the pump ran, unchanged).
 */
export const confirmedBoluses = (
  db: Db,
  pumpSerial: string,
  sinceIso: string,
): Array<{ startedAt: string; intentJson: string }> =>
  db
    .prepare<[string, string], { startedAt: string; intentJson: string }>(
      `SELECT started_at AS startedAt, intent_json AS intentJson FROM programming_sessions
       WHERE pump_serial = ? AND outcome = 'confirmed' AND started_at >= ? AND json_extract(intent_json, '$.bolus') IS NOT NULL ORDER BY started_at, id`,
    )
    .all(pumpSerial, sinceIso);

/** The pumps whose last confirmed program (a bolus is none) is a stop, with when, by whom and the reason recorded with the intent. */
export const stoppedPumps = (
  db: Db,
): Array<{ pumpSerial: string; stoppedAt: string; actor: string; intentJson: string; reason: string | null }> =>
  db
    .prepare<[], { pumpSerial: string; stoppedAt: string; actor: string; intentJson: string; reason: string | null }>(
      `SELECT s.pump_serial AS pumpSerial, s.started_at AS stoppedAt, s.actor, s.intent_json AS intentJson, a.reason FROM (
         SELECT pump_serial, started_at, actor, intent_json, intent_audit_seq,
                ROW_NUMBER() OVER (PARTITION BY pump_serial ORDER BY started_at DESC, id DESC) AS n
         FROM programming_sessions WHERE outcome = 'confirmed' AND json_extract(intent_json, '$.bolus') IS NULL
       ) AS s JOIN audit_log AS a ON a.seq = s.intent_audit_seq
       WHERE s.n = 1 AND json_extract(s.intent_json, '$.settings.mode') = 'stopped' ORDER BY s.started_at`,
    )
    .all();

/** The confirmed program in force at a time: the last one confirmed before it (none or one row). */
export const lastConfirmedProgramBefore = (
  db: Db,
  pumpSerial: string,
  beforeIso: string,
): Array<{ startedAt: string; intentJson: string }> =>
  db
    .prepare<[string, string], { startedAt: string; intentJson: string }>(
      `SELECT started_at AS startedAt, intent_json AS intentJson FROM programming_sessions
       WHERE pump_serial = ? AND outcome = 'confirmed' AND started_at < ? ORDER BY started_at DESC, id DESC LIMIT 1`,
    )
    .all(pumpSerial, beforeIso);

/** A pump's first confirmed program with what its intent recorded as running before it (the audit record's old values). */
export const firstConfirmedProgram = (
  db: Db,
  pumpSerial: string,
): { startedAt: string; oldJson: string | null } | undefined =>
  db
    .prepare<[string], { startedAt: string; oldJson: string | null }>(
      `SELECT s.started_at AS startedAt, a.old_json AS oldJson FROM programming_sessions AS s JOIN audit_log AS a ON a.seq = s.intent_audit_seq
       WHERE s.pump_serial = ? AND s.outcome = 'confirmed' ORDER BY s.started_at, s.id LIMIT 1`,
    )
    .get(pumpSerial);
