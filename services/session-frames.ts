import type { SessionFrames } from '../core/api/audit-schemas';
import type { Db } from '../db/connection';
import { framesOfSession, sessionOfAuditRecord } from '../db/queries/frames';
import { decodeFrame } from '../drivers/protocol/frame';
import { decodeMessage } from '../drivers/protocol/messages';

/** The message a stored frame carries, by the wand codec; null for bytes it cannot read. */
function messageOf(bytes: Uint8Array): string | null {
  const frame = decodeFrame(bytes);
  if (!frame.ok) return null;
  const message = decodeMessage(frame.frame.type, frame.frame.payload);
  return message.ok ? message.message.type : null;
}

/**
 * The raw frames of the programming session an audit record belongs to (its intent or its
 * outcome), for support and replay: each as hex with its direction, time and message name.
 * Null when the record is not part of a programming session.
 */
export function sessionFramesOf(db: Db, seq: number): SessionFrames | null {
  const session = sessionOfAuditRecord(db, seq);
  if (session === undefined) return null;
  const frames = framesOfSession(db, session.id).map((f) => ({
    at: f.at,
    direction: f.direction,
    hex: f.bytes.toString('hex'),
    message: messageOf(new Uint8Array(f.bytes)),
  }));
  return { sessionId: session.sessionUuid, pumpSerial: session.pumpSerial, outcome: session.outcome, frames };
}
