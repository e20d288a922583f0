// What the clinician is told when an exchange with the wand gives no usable answer, and which
// failures are retried or reopen the device (used by wand-link.ts).
import { said } from '../core/messages';
import type { AppError } from '../core/result';
import type { MessageError } from './protocol/messages';
import type { TransportError } from './usb/usb-errors';

/** Cause and remedy for each transport failure, as the clinician reads them. */
export function describeTransportError(e: TransportError): AppError {
  switch (e.kind) {
    case 'DISCONNECTED':
      return said('COMMUNICATION_FAILED', 'wandUnplugged', {});
    case 'TIMEOUT':
      return said('COMMUNICATION_FAILED', 'pumpDidNotAnswer', {});
    case 'FRAME':
      return said('COMMUNICATION_FAILED', 'wandInterference', { detail: e.error.kind });
    case 'BUSY':
      return said('WAND_NOT_FOUND', 'wandBusy', {});
    case 'ACCESS':
      return said('WAND_NOT_FOUND', 'wandNoPermission', {});
    case 'STATE':
      return said('COMMUNICATION_FAILED', 'wandNotReady', { detail: e.message });
    case 'TRANSFER':
      return said('COMMUNICATION_FAILED', 'wandTransferFailed', { detail: e.message });
    case 'STALL':
      return said('COMMUNICATION_FAILED', 'wandStalled', { detail: e.message });
    case 'USB':
      return said('COMMUNICATION_FAILED', 'wandUsbError', { detail: e.message });
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** Why an exchange gave no usable answer: the transport's failures, and answers that could not be read. */
export type Failure = TransportError | { kind: 'UNREAD'; message: string } | { kind: 'MESSAGE'; error: MessageError };

export function describeFailure(f: Failure): AppError {
  if (f.kind === 'UNREAD') return said('COMMUNICATION_FAILED', 'wandUnreadable', { detail: f.message });
  if (f.kind !== 'MESSAGE') return describeTransportError(f);
  const e = f.error;
  if (e.kind === 'BAD_FIELD')
    return protocolViolation(
      `field ${e.field} of message type 0x${e.type.toString(16)} holds ${e.value}, which the protocol does not allow`,
      e.field,
    );
  if (e.kind === 'BAD_PAYLOAD')
    return protocolViolation(`message type 0x${e.type.toString(16)}: ${e.reason}`, 'payload');
  return protocolViolation(`unknown message type 0x${e.type.toString(16)}`, 'type');
}

/** The wand broke the protocol: a typed error naming the wire field (`field`). */
export const protocolViolation = (detail: string, field: string): AppError =>
  said('COMMUNICATION_FAILED', 'wandProtocolViolation', { detail }, field);

/** Retried: a lost or damaged answer, a failed transfer, an answer that could not be read (reads change nothing; writes name their transaction). */
export const RETRYABLE = new Set<Failure['kind']>(['TIMEOUT', 'FRAME', 'TRANSFER', 'UNREAD', 'MESSAGE']);
/** After these the device is opened and claimed afresh before the next request. */
export const REOPEN = new Set<Failure['kind']>(['BUSY', 'ACCESS', 'STATE', 'STALL', 'USB']);
