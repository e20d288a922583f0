import type { Message } from './messages';

/** A field of an answer that should repeat the request's value and does not. */
export interface EchoMismatch {
  /** `ANSWER.field`, e.g. `COMMITTED.txId`. */
  field: string;
  sent: string;
  received: string;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

const bytesEcho = (field: string, sent: Uint8Array, received: Uint8Array): EchoMismatch | null =>
  sameBytes(sent, received) ? null : { field, sent: hex(sent), received: hex(received) };
const numberEcho = (field: string, sent: number, received: number): EchoMismatch | null =>
  sent === received ? null : { field, sent: String(sent), received: String(received) };

/**
 * Every echo the host checks (docs/wand-protocol.md, "Echoed fields"): the session id in
 * SESSION_OPENED, the transaction id in TX_BEGUN, STAGED, COMMITTED and BOLUS_STARTED, the time and
 * the UTC offset in CLOCK_SET and the page in EVENTS. An answer that names another session,
 * transaction, time, offset or page is not the answer to this request, whatever else it says.
 */
export function echoMismatch(request: Message, answer: Message): EchoMismatch | null {
  if (request.type === 'OPEN_SESSION' && answer.type === 'SESSION_OPENED')
    return bytesEcho('SESSION_OPENED.sessionId', request.sessionId, answer.sessionId);
  if (request.type === 'BEGIN_TX' && answer.type === 'TX_BEGUN')
    return bytesEcho('TX_BEGUN.txId', request.txId, answer.txId);
  if (request.type === 'STAGE_PROGRAM' && answer.type === 'STAGED')
    return bytesEcho('STAGED.txId', request.txId, answer.txId);
  if (request.type === 'COMMIT' && answer.type === 'COMMITTED')
    return bytesEcho('COMMITTED.txId', request.txId, answer.txId);
  if (request.type === 'START_BOLUS' && answer.type === 'BOLUS_STARTED')
    return bytesEcho('BOLUS_STARTED.txId', request.txId, answer.txId);
  if (request.type === 'SET_CLOCK' && answer.type === 'CLOCK_SET')
    return (
      numberEcho('CLOCK_SET.time', request.time, answer.time) ??
      numberEcho('CLOCK_SET.utcOffsetMinutes', request.utcOffsetMinutes, answer.utcOffsetMinutes)
    );
  if (request.type === 'READ_EVENTS' && answer.type === 'EVENTS')
    return numberEcho('EVENTS.page', request.page, answer.page);
  return null;
}
