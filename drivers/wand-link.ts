import { randomUUID } from 'node:crypto';
import { pumpEventCodes, type BolusWrite, type LinkKind, type ProgramWrite, type PumpEvent, type PumpStatus, type WandStatus } from '../core/pump';
import { appError, err, ok, type AppError, type Result } from '../core/result';
import type { PumpLink } from './link';
import { fromWireStatus, fromWireTime, toMicroLitres, toWireSettings, toWireTime, uuidToBytes } from './protocol/convert';
import { decodeMessage, encodeMessage, WandErrorCode, type Message, type MessageName } from './protocol/messages';
import { WandTransport, type TransportError } from './usb/transport';
import type { UsbDeviceLike } from './usb/types';

export type WandState = WandStatus['state'];

export interface WandLinkOptions {
  kind?: LinkKind;
  timeoutMs?: number;
  /** Attempts per request after a timeout or a damaged frame (reads, and writes keyed by transaction id). */
  retries?: number;
  /** Every frame exchanged, for the programming session record and support. */
  onFrame?: (direction: 'out' | 'in', bytes: Uint8Array) => void;
}

/** Cause and remedy for each transport failure, as the clinician reads them. */
export function describeTransportError(e: TransportError): AppError {
  switch (e.kind) {
    case 'DISCONNECTED':
      return appError('COMMUNICATION_FAILED', 'The wand was unplugged. Plug it in again; if a program was being sent, interrogate the pump to confirm what it applied.');
    case 'TIMEOUT':
      return appError('COMMUNICATION_FAILED', 'The pump did not answer. Hold the wand directly over the pump and try again.');
    case 'FRAME':
      return appError('COMMUNICATION_FAILED', `Interference on the wand link (${e.error.kind}). Move away from other equipment and try again.`);
    case 'BUSY':
      return appError('WAND_NOT_FOUND', 'Another program is using the wand. Close it and try again.');
    case 'ACCESS':
      return appError('WAND_NOT_FOUND', 'No permission to use the wand. On Linux install the udev rule (docs/udev/70-pump-wand.rules) and replug the wand.');
    case 'USB':
      return appError('COMMUNICATION_FAILED', `USB error: ${e.message}`);
    default: {
      const never: never = e;
      return never;
    }
  }
}

const RETRYABLE = new Set<TransportError['kind']>(['TIMEOUT', 'FRAME']);

/** The pump link over a programmer wand speaking the open wand protocol (docs/wand-protocol.md). */
export class WandLink implements PumpLink {
  readonly kind: LinkKind;
  private readonly transport: WandTransport;
  private readonly retries: number;
  private session: Uint8Array | null = null;
  private opened = false;
  status: WandStatus = { state: 'disconnected', linkQuality: null, pumpSerial: null };

  constructor(
    private readonly device: UsbDeviceLike,
    private readonly options: WandLinkOptions = {},
  ) {
    this.kind = options.kind ?? 'usb';
    this.transport = new WandTransport(device, options.timeoutMs ?? 500);
    this.retries = options.retries ?? 2;
  }

  private async call<N extends MessageName>(request: Message, expect: N): Promise<Result<Extract<Message, { type: N }>>> {
    const { type, payload } = encodeMessage(request);
    let last: TransportError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      const exchange = await this.transport.exchange(type, payload);
      if (!exchange.ok) {
        last = exchange.error;
        if (exchange.error.kind === 'DISCONNECTED') this.reset('disconnected');
        if (!RETRYABLE.has(exchange.error.kind)) break;
        continue;
      }
      this.options.onFrame?.('out', exchange.bytesOut);
      this.options.onFrame?.('in', exchange.bytesIn);
      const decoded = decodeMessage(exchange.frame.type, exchange.frame.payload);
      if (!decoded.ok) {
        last = { kind: 'FRAME', error: { kind: 'BAD_SYNC' } };
        continue;
      }
      const m = decoded.message;
      if (m.type === 'ERROR') return err(this.wandError(m.code, m.message));
      if (m.type !== expect) return err(appError('COMMUNICATION_FAILED', `the wand answered ${m.type} to ${request.type}`));
      return ok(m as Extract<Message, { type: N }>);
    }
    return err(describeTransportError(last ?? { kind: 'TIMEOUT' }));
  }

  private wandError(code: number, message: string): AppError {
    if (code === WandErrorCode.NO_PUMP) {
      this.status = { ...this.status, state: 'searching', pumpSerial: null };
      return appError('PUMP_NOT_FOUND', 'No pump answered. Hold the wand directly over the pump and try again.');
    }
    if (code === WandErrorCode.NO_SESSION) this.session = null;
    return appError('COMMUNICATION_FAILED', `The wand refused the request: ${message}`);
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
      const opened = await this.transport.open();
      if (!opened.ok) return err(describeTransportError(opened.error));
      this.opened = true;
      this.status = { state: 'connected', linkQuality: null, pumpSerial: null };
    }
    const hello = await this.call({ type: 'HELLO' }, 'HELLO_ACK');
    if (!hello.ok) return hello;
    this.status = { ...this.status, state: 'searching' };
    const found = await this.call({ type: 'FIND_PUMP' }, 'PUMP_FOUND');
    if (!found.ok) return found;
    const sessionId = uuidToBytes(randomUUID());
    const session = await this.call({ type: 'OPEN_SESSION', sessionId }, 'SESSION_OPENED');
    if (!session.ok) return session;
    this.session = sessionId;
    this.status = { state: 'pump-found', linkQuality: Math.max(0, found.value.linkQuality - this.transport.discarded), pumpSerial: found.value.pumpSerial };
    return ok(null);
  }

  async interrogate(): Promise<Result<PumpStatus>> {
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const status = await this.call({ type: 'READ_STATUS' }, 'STATUS');
    if (!status.ok) return status;
    return fromWireStatus(status.value.status);
  }

  /** BEGIN → STAGE → COMMIT; the pump applies the staged program at COMMIT, at most once per id. */
  async program(write: ProgramWrite): Promise<Result<{ applied: boolean }>> {
    const settings = toWireSettings(write.settings);
    if (!settings.ok) return settings;
    let reservoirUl: number | null = null;
    if (write.reservoirVolumeMl !== undefined) {
      const ul = toMicroLitres(write.reservoirVolumeMl, 'reservoirVolumeMl');
      if (!ul.ok) return ul;
      reservoirUl = ul.value;
    }
    let bridge: { volumeUl: number; durationMin: number } | null = null;
    if (write.bridge !== undefined) {
      const ul = toMicroLitres(write.bridge.volumeMl, 'bridge.volumeMl');
      if (!ul.ok) return ul;
      const minutes = write.bridge.durationMinutes;
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 0xffff) return err(appError('INVALID_INPUT', 'the bridge duration is a whole number of minutes', 'bridge.durationMinutes'));
      bridge = { volumeUl: ul.value, durationMin: minutes };
    }
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const txId = uuidToBytes(write.transactionId);
    const begun = await this.call({ type: 'BEGIN_TX', txId }, 'TX_BEGUN');
    if (!begun.ok) return begun;
    const staged = await this.call({ type: 'STAGE_PROGRAM', txId, settings: settings.value, reservoirUl, bridge }, 'STAGED');
    if (!staged.ok) return staged;
    const committed = await this.call({ type: 'COMMIT', txId }, 'COMMITTED');
    if (!committed.ok) return committed;
    return ok({ applied: committed.value.applied });
  }

  /** Starts a single, priming or bridge bolus; like a program write, at most once per transaction id. */
  async startBolus(write: BolusWrite): Promise<Result<{ applied: boolean }>> {
    const volume = toMicroLitres(write.volumeMl, 'volumeMl');
    if (!volume.ok) return volume;
    if (!Number.isInteger(write.durationMinutes) || write.durationMinutes < 1 || write.durationMinutes > 0xffff) {
      return err(appError('INVALID_INPUT', 'bolus duration is a whole number of minutes', 'durationMinutes'));
    }
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const kind = ['single', 'priming', 'bridge'].indexOf(write.kind);
    const r = await this.call({ type: 'START_BOLUS', txId: uuidToBytes(write.transactionId), kind, volumeUl: volume.value, durationMin: write.durationMinutes }, 'BOLUS_STARTED');
    return r.ok ? ok({ applied: r.value.applied }) : r;
  }

  async setClock(time: Date): Promise<Result<null>> {
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const r = await this.call({ type: 'SET_CLOCK', time: toWireTime(time) }, 'CLOCK_SET');
    return r.ok ? ok(null) : r;
  }

  async alarmTest(): Promise<Result<null>> {
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const r = await this.call({ type: 'ALARM_TEST' }, 'ALARM_TESTED');
    return r.ok ? ok(null) : r;
  }

  /** The pump's event log, every page. */
  async readEvents(): Promise<Result<PumpEvent[]>> {
    const connected = await this.connect();
    if (!connected.ok) return connected;
    const events: PumpEvent[] = [];
    for (let page = 0, pages = 1; page < pages; page++) {
      const r = await this.call({ type: 'READ_EVENTS', page }, 'EVENTS');
      if (!r.ok) return r;
      pages = r.value.pages;
      for (const e of r.value.events) events.push({ at: fromWireTime(e.time), code: pumpEventCodes[e.code] ?? 'UNKNOWN', detail: e.detail });
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
