import { randomUUID } from 'node:crypto';
import {
  pumpEventCodes,
  type BolusWrite,
  type LinkKind,
  type ProgramWrite,
  type PumpEvent,
  type PumpStatus,
  type WandStatus,
} from '../core/pump';
import { said } from '../core/messages';
import { err, ok, type AppError, type Result } from '../core/result';
import type { PumpClockSetting, PumpLink } from './link';
import { fromWireStatus, fromWireTime, uuidToBytes, wireTime, wireUtcOffset } from './protocol/convert';
import { bolusRequest, stageRequest } from './wand-writes';
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
  MAX_EVENT_PAGES,
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

/** The pump link over a programmer wand speaking the open wand protocol (docs/wand-protocol.md). */
export class WandLink implements PumpLink {
  readonly kind: LinkKind;
  private readonly transport: WandTransport;
  private readonly retries: number;
  private session: Uint8Array | null = null;
  private opened = false;
  /** The code of the last ERROR the wand answered (read by `wasApplied`). */
  private lastRefusal: number | undefined;
  private busyRetryMs: number;
  status: WandStatus = { state: 'disconnected', linkQuality: null, pumpSerial: null };

  constructor(
    private readonly device: UsbDeviceLike,
    private readonly options: WandLinkOptions = {},
  ) {
    this.kind = options.kind ?? 'usb';
    this.transport = new WandTransport(device, options.timeoutMs ?? 500);
    this.retries = options.retries ?? 2;
    this.busyRetryMs = options.busyRetryMs ?? 0;
  }

  private async call<N extends MessageName>(
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
  private violation(detail: string, field: string): AppError {
    this.session = null;
    return protocolViolation(detail, field);
  }

  private wandError(code: number, message: string): AppError {
    this.lastRefusal = code;
    if (code === WandErrorCode.NO_PUMP) {
      this.status = { ...this.status, state: 'searching', pumpSerial: null };
      return said('PUMP_NOT_FOUND', 'noPumpAnswered', {});
    }
    if (code === WandErrorCode.NO_SESSION || code === WandErrorCode.VERSION_MISMATCH) this.session = null;
    return said('COMMUNICATION_FAILED', 'wandRefused', { detail: message });
  }

  private reset(state: WandState): void {
    this.session = null;
    this.opened = false;
    this.status = { state, linkQuality: null, pumpSerial: null };
  }

  /** Wake the wand, find the pump, open a session: once, and again after any failure. */
  private async connect(): Promise<Result<null>> {
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

  async interrogate(): Promise<Result<PumpStatus>> {
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const status = await this.call({ type: 'READ_STATUS' }, 'STATUS');
    if (!status.ok) return status;
    // The status must be the pump this session found, never another one in range.
    const found = this.status.pumpSerial;
    if (status.value.status.serial !== found)
      return err(
        this.violation(
          `the status names pump ${status.value.status.serial}, the session pump ${found ?? 'none'}`,
          'STATUS.serial',
        ),
      );
    const decoded = fromWireStatus(status.value.status);
    if (!decoded.ok) this.session = null;
    return decoded;
  }

  /** BEGIN → STAGE → COMMIT; the pump applies the staged program at COMMIT, at most once per id. */
  async program(write: ProgramWrite): Promise<Result<{ applied: boolean }>> {
    const stage = stageRequest(write);
    if (!stage.ok) return stage;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const txId = stage.value.txId;
    const begun = await this.call({ type: 'BEGIN_TX', txId }, 'TX_BEGUN');
    if (!begun.ok) return begun;
    const staged = await this.call(stage.value, 'STAGED');
    if (!staged.ok) return staged;
    const committed = await this.call({ type: 'COMMIT', txId }, 'COMMITTED');
    if (!committed.ok) return committed;
    return ok({ applied: committed.value.applied });
  }

  /**
   * Whether the pump applied a transaction that is still in its replay window (its last 64): asked
   * with a COMMIT naming it in a session of its own, where nothing is staged (a new session discards
   * anything staged). The pump answers `COMMITTED applied=0` for an id in the window and ERROR 4 for
   * one that is not (never applied, or older than the window); it never applies anything. Refused
   * when the wand finds another pump than `serial`.
   */
  async wasApplied(transactionId: string, serial: string): Promise<Result<boolean>> {
    const txId = uuidToBytes(transactionId);
    this.session = null;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    if (this.status.pumpSerial !== serial)
      return err(said('CONFLICT', 'probeOtherPump', { found: this.status.pumpSerial ?? '—', serial }));
    this.lastRefusal = undefined;
    const r = await this.call({ type: 'COMMIT', txId }, 'COMMITTED');
    if (r.ok) {
      if (!r.value.applied) return ok(true);
      // Nothing was staged in this session: a pump that applies this COMMIT breaks the protocol.
      return err(this.violation('it applied a COMMIT of a transaction that was not staged', 'COMMITTED.applied'));
    }
    if (this.lastRefusal === WandErrorCode.TX_MISMATCH) return ok(false);
    return r;
  }

  /** Starts a single, priming or bridge bolus; like a program write, at most once per transaction id. */
  async startBolus(write: BolusWrite): Promise<Result<{ applied: boolean }>> {
    const request = bolusRequest(write);
    if (!request.ok) return request;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const r = await this.call(request.value, 'BOLUS_STARTED');
    return r.ok ? ok({ applied: r.value.applied }) : r;
  }

  async setClock(clock: PumpClockSetting): Promise<Result<null>> {
    // Refused before anything is sent: the wire's u32 would wrap a time outside its range round,
    // and the pump takes no offset outside −720…+840 minutes.
    const seconds = wireTime(clock.time);
    if (!seconds.ok) return seconds;
    const offset = wireUtcOffset(clock.utcOffsetMinutes);
    if (!offset.ok) return offset;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const r = await this.call({ type: 'SET_CLOCK', time: seconds.value, utcOffsetMinutes: offset.value }, 'CLOCK_SET');
    return r.ok ? ok(null) : r;
  }

  async alarmTest(): Promise<Result<null>> {
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const r = await this.call({ type: 'ALARM_TEST' }, 'ALARM_TESTED');
    return r.ok ? ok(null) : r;
  }

  /**
   * The pump's event log, every page: at most `MAX_EVENT_PAGES` pages and within the events
   * deadline, whatever the wand claims.
   */
  async readEvents(): Promise<Result<PumpEvent[]>> {
    const deadlineMs = this.options.eventsDeadlineMs ?? 30_000;
    const deadline = Date.now() + deadlineMs;
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const events: PumpEvent[] = [];
    for (let page = 0, pages = 1; page < pages; page++) {
      if (Date.now() > deadline)
        return err(
          said(
            'COMMUNICATION_FAILED',
            'eventLogDeadline',
            { seconds: String(deadlineMs / 1000), page: String(page + 1), pages: String(pages) },
            'EVENTS.deadline',
          ),
        );
      const r = await this.call({ type: 'READ_EVENTS', page }, 'EVENTS');
      if (!r.ok) return r;
      if (r.value.pages < 1 || r.value.pages > MAX_EVENT_PAGES)
        return err(
          this.violation(
            `it claims ${r.value.pages} event pages; a pump keeps at most ${MAX_EVENT_PAGES}`,
            'EVENTS.pages',
          ),
        );
      if (page >= r.value.pages)
        return err(this.violation(`page ${page} is past the ${r.value.pages} pages it claims`, 'EVENTS.pages'));
      pages = r.value.pages;
      for (const e of r.value.events)
        events.push({ at: fromWireTime(e.time), code: pumpEventCodes[e.code] ?? 'UNKNOWN', detail: e.detail });
    }
    return ok(events);
  }

  wandStatus(): WandStatus {
    return { ...this.status };
  }

  async close(): Promise<void> {
    await this.transport.close();
    this.reset('disconnected');
  }
}
