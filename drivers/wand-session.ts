import { randomUUID } from 'node:crypto';
import type { LinkKind, WandStatus } from '../core/pump';
import { said } from '../core/messages';
import { err, ok, type AppError, type Result } from '../core/result';
import { uuidToBytes } from './protocol/convert';
import { echoMismatch } from './protocol/echo';
import {
  describeFailure,
  describeTransportError,
  protocolViolation,
  REOPEN,
  RETRYABLE,
  type Failure,
} from './wand-failures';
import {
  decodeMessage,
  encodeMessage,
  MESSAGE_VERSION,
  WandErrorCode,
  type Message,
  type MessageName,
} from './protocol/messages';
import { WandTransport } from './usb/transport';
import type { UsbDeviceLike } from './usb/types';

export type WandState = WandStatus['state'];

export interface WandLinkOptions {
  kind?: LinkKind;
  timeoutMs?: number;
  /** Attempts per request after a timeout or a damaged frame (reads, and writes keyed by transaction id). */
  retries?: number;
  /** The whole event log must be read within this time (default 30 s), however many pages the wand claims. */
  eventsDeadlineMs?: number;
  /** Every frame exchanged, for the programming session record and support. */
  onFrame?: (direction: 'out' | 'in', bytes: Uint8Array) => void;
  /**
   * This process let a claim of this wand go a moment ago (another link on it closed): a claim
   * refused BUSY within this time is that claim still being released, and the wand is opened
   * again every 100 ms until then (K6). Only the first opening of the link; 0 by default.
   */
  busyRetryMs?: number;
}

/** How often a claim refused BUSY right after this process let the wand go is tried again. */
const BUSY_RETRY_EVERY_MS = 100;

/**
 * A session with the pump through a programmer wand (docs/wand-protocol.md, "Sessions"): one
 * exchange at a time with retries, the wand's refusals and protocol violations as typed errors, and
 * HELLO … OPEN_SESSION again after any failure. `WandLink` adds the requests on top.
 */
export abstract class WandSession {
  readonly kind: LinkKind;
  protected readonly transport: WandTransport;
  protected readonly retries: number;
  protected session: Uint8Array | null = null;
  protected opened = false;
  /** The code of the last ERROR the wand answered (read by `wasApplied`). */
  protected lastRefusal: number | undefined;
  protected busyRetryMs: number;
  status: WandStatus = { state: 'disconnected', linkQuality: null, pumpSerial: null };

  constructor(
    protected readonly device: UsbDeviceLike,
    protected readonly options: WandLinkOptions = {},
  ) {
    this.kind = options.kind ?? 'usb';
    this.transport = new WandTransport(device, options.timeoutMs ?? 500);
    this.retries = options.retries ?? 2;
    this.busyRetryMs = options.busyRetryMs ?? 0;
  }

  protected async call<N extends MessageName>(
    request: Message,
    expect: N,
  ): Promise<Result<Extract<Message, { type: N }>>> {
    const { type, payload } = encodeMessage(request);
    let last: Failure | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      const exchange = await this.transport.exchange(type, payload);
      if (!exchange.ok) {
        last = exchange.error;
        if (exchange.error.kind === 'DISCONNECTED') this.reset('disconnected');
        else if (REOPEN.has(exchange.error.kind)) this.reset('connected');
        if (!RETRYABLE.has(exchange.error.kind)) break;
        continue;
      }
      this.options.onFrame?.('out', exchange.bytesOut);
      this.options.onFrame?.('in', exchange.bytesIn);
      const decoded = decodeMessage(exchange.frame.type, exchange.frame.payload);
      if (exchange.frame.seq === 0) {
        // Numbered 0: the wand could not read the request (the transport lets only ERROR through).
        last = {
          kind: 'UNREAD',
          message: decoded.ok && decoded.message.type === 'ERROR' ? decoded.message.message : 'no readable reason',
        };
        continue;
      }
      if (!decoded.ok) {
        last = { kind: 'MESSAGE', error: decoded.error };
        continue;
      }
      const m = decoded.message;
      if (m.type === 'ERROR') return err(this.wandError(m.code, m.message));
      if (m.type !== expect)
        return err(this.violation(`it answered ${m.type} to ${request.type}`, `${request.type}.answer`));
      const echo = echoMismatch(request, m);
      if (echo !== null)
        return err(this.violation(`its ${echo.field} is ${echo.received}, the request's ${echo.sent}`, echo.field));
      return ok(m as Extract<Message, { type: N }>);
    }
    return err(describeFailure(last ?? { kind: 'TIMEOUT' }));
  }

  /** A protocol violation ends the session: the next request starts again with HELLO. */
  protected violation(detail: string, field: string): AppError {
    this.session = null;
    return protocolViolation(detail, field);
  }

  protected wandError(code: number, message: string): AppError {
    this.lastRefusal = code;
    if (code === WandErrorCode.NO_PUMP) {
      this.status = { ...this.status, state: 'searching', pumpSerial: null };
      return said('PUMP_NOT_FOUND', 'noPumpAnswered', {});
    }
    if (code === WandErrorCode.NO_SESSION || code === WandErrorCode.VERSION_MISMATCH) this.session = null;
    return said('COMMUNICATION_FAILED', 'wandRefused', { detail: message });
  }

  protected reset(state: WandState): void {
    this.session = null;
    this.opened = false;
    this.status = { state, linkQuality: null, pumpSerial: null };
  }

  /** Wake the wand, find the pump, open a session: once, and again after any failure. */
  protected async connect(): Promise<Result<null>> {
    if (this.session !== null) return ok(null);
    if (!this.opened) {
      let opened = await this.transport.open();
      const until = Date.now() + this.busyRetryMs;
      this.busyRetryMs = 0;
      while (!opened.ok && opened.error.kind === 'BUSY' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, BUSY_RETRY_EVERY_MS));
        opened = await this.transport.open();
      }
      if (!opened.ok) return err(describeTransportError(opened.error));
      this.opened = true;
      this.status = { state: 'connected', linkQuality: null, pumpSerial: null };
    }
    const hello = await this.call({ type: 'HELLO', version: MESSAGE_VERSION }, 'HELLO_ACK');
    if (!hello.ok) return hello;
    if (hello.value.version !== MESSAGE_VERSION) {
      return err(
        said(
          'COMMUNICATION_FAILED',
          'wandProtocolVersion',
          { wand: String(hello.value.version), programmer: String(MESSAGE_VERSION) },
          'HELLO_ACK.version',
        ),
      );
    }
    this.status = { ...this.status, state: 'searching' };
    const found = await this.call({ type: 'FIND_PUMP' }, 'PUMP_FOUND');
    if (!found.ok) return found;
    const sessionId = uuidToBytes(randomUUID());
    const session = await this.call({ type: 'OPEN_SESSION', sessionId }, 'SESSION_OPENED');
    if (!session.ok) return session;
    this.session = sessionId;
    this.status = {
      state: 'pump-found',
      linkQuality: Math.max(0, found.value.linkQuality - this.transport.discarded),
      pumpSerial: found.value.pumpSerial,
    };
    return ok(null);
  }
}
