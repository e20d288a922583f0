import type { Db } from '../connection';
import type { SessionOutcome } from './sessions';

export interface FrameSessionRow {
  id: number;
  sessionUuid: string;
  pumpSerial: string;
  outcome: SessionOutcome;
}

/** The programming session an audit record opened (its intent) or closed (its outcome), if any. */
export const sessionOfAuditRecord = (db: Db, seq: number): FrameSessionRow | undefined =>
  db
    .prepare<[number, number], FrameSessionRow>(
      `SELECT id, session_uuid AS sessionUuid, pump_serial AS pumpSerial, outcome FROM programming_sessions
       WHERE intent_audit_seq = ? OR outcome_audit_seq = ? ORDER BY id LIMIT 1`,
    )
    .get(seq, seq);

/** A session's frames in the order they were exchanged (on `session_frames_session`). */
export const framesOfSession = (
  db: Db,
  sessionId: number,
): Array<{ at: string; direction: 'out' | 'in'; bytes: Buffer }> =>
  db
    .prepare<[number], { at: string; direction: 'out' | 'in'; bytes: Buffer }>(
      'SELECT at, direction, bytes FROM session_frames WHERE session_id = ? ORDER BY id',
    )
    .all(sessionId);
