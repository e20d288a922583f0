import { decodeFrame, encodeFrame } from '../protocol/frame';
import {
  BOLUS_KINDS,
  decodeMessage,
  encodeMessage,
  EVENTS_PER_PAGE,
  MAX_EVENT_PAGES,
  MESSAGE_VERSION,
  WandErrorCode,
  type Message,
} from '../protocol/messages';
import { bytesToUuid, fromWireSettings, NO_CLOCK, toWireStatus, toWireTime } from '../protocol/convert';
import { dec, str } from '../../core/decimal';
import { PUMP_EVENT_CODES, type SimulatedPump } from './pump';
import { refusesDelivery, refusesFill } from './pump-limits';

/**
 * The wand's firmware as a model: takes one request frame, answers one response frame, talking to
 * the simulated pump. Sessions, staged transactions and error replies follow the protocol
 * document, so a hardware wand can be tested against the same expectations.
 */
/** The longest event text on the wire, in UTF-8 bytes: 8 events of it fit one page (5 + 8 × (6 + 121) ≤ 1024). */
export const MAX_EVENT_TEXT_BYTES = 121;

/** The longest start of `text` that is at most `bytes` bytes of UTF-8, cut between characters. */
export function utf8Prefix(text: string, bytes: number): string {
  const encoder = new TextEncoder();
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = encoder.encode(ch).length;
    if (used + size > bytes) break;
    out += ch;
    used += size;
  }
  return out;
}

export class SimulatedWand {
  private session: Uint8Array | null = null;
  private staged: { txId: string; message: Extract<Message, { type: 'STAGE_PROGRAM' }> } | null = null;
  private begun: string | null = null;
  /** Whether a pump is in range of the wand (fault injection: "pump out of range"). */
  pumpInRange = true;
  linkQuality = 92;
  /** The message-set version this wand speaks (a test can make it another). */
  version = MESSAGE_VERSION;
  /** The version the host stated in its last HELLO; nothing but HELLO is served until they agree. */
  private hostVersion: number | null = null;

  constructor(private readonly pump: SimulatedPump) {}

  /** Answers one request frame; a frame the wand cannot read gets an ERROR reply with seq 0. */
  handle(bytes: Uint8Array): Uint8Array {
    const frame = decodeFrame(bytes);
    if (!frame.ok)
      return this.reply(0, {
        type: 'ERROR',
        code: WandErrorCode.BAD_REQUEST,
        message: `bad frame: ${frame.error.kind}`,
      });
    const decoded = decodeMessage(frame.frame.type, frame.frame.payload);
    if (!decoded.ok)
      return this.reply(frame.frame.seq, {
        type: 'ERROR',
        code: WandErrorCode.BAD_REQUEST,
        message: `bad message: ${decoded.error.kind}`,
      });
    return this.reply(frame.frame.seq, this.respond(decoded.message));
  }

  private reply(seq: number, message: Message): Uint8Array {
    const { type, payload } = encodeMessage(message);
    return encodeFrame({ seq, type, payload });
  }

  /** A bridge staged with a program: refused with a stop (a stopped pump delivers nothing) or when the pump refuses its delivery. */
  private refusesBridge(mode: string, m: Extract<Message, { type: 'STAGE_PROGRAM' }>): string | undefined {
    if (m.bridge === null) return undefined;
    if (mode === 'stopped') return 'a bridge with a stopped program';
    return refusesDelivery(this.pump, m.bridge.volumeUl, m.bridge.durationMin, m.reservoirUl);
  }

  private error(code: number, message: string): Message {
    return { type: 'ERROR', code, message };
  }

  /** A flex program needs the pump's clock: refused while it has none (docs/wand-protocol.md). */
  private noClockForFlex(): Message {
    return this.error(WandErrorCode.PUMP_REFUSED, 'the pump has no clock: set the clock before a flex program');
  }

  private endSession(): void {
    this.session = null;
    this.staged = null;
    this.begun = null;
  }

  /**
   * The wand lost power (unplugged; it is powered by the bus): its session, anything begun or
   * staged and the host's HELLO are gone, as after power-up. The pump keeps its own state.
   */
  powerLost(): void {
    this.endSession();
    this.hostVersion = null;
  }

  private respond(m: Message): Message {
    if (m.type === 'HELLO') {
      // HELLO restarts the conversation: any open session and staged transaction end here.
      this.endSession();
      this.hostVersion = m.version;
      return { type: 'HELLO_ACK', version: this.version, firmware: 'SIM-WAND 1.0', wandSerial: 'W-SIM-0001' };
    }
    if (this.hostVersion !== this.version) {
      return this.error(
        WandErrorCode.VERSION_MISMATCH,
        this.hostVersion === null
          ? 'send HELLO first'
          : `this wand speaks version ${this.version}, the host ${this.hostVersion}`,
      );
    }
    if (!this.pumpInRange) {
      // Losing the pump ends the session: the host finds the pump and opens a new one.
      this.endSession();
      return this.error(WandErrorCode.NO_PUMP, 'no pump in range of the wand');
    }
    switch (m.type) {
      case 'FIND_PUMP':
        return { type: 'PUMP_FOUND', linkQuality: this.linkQuality, pumpSerial: this.pump.serial };
      case 'OPEN_SESSION':
        this.session = m.sessionId;
        this.staged = null;
        this.begun = null;
        return { type: 'SESSION_OPENED', sessionId: m.sessionId };
      case 'READ_STATUS': {
        const status = toWireStatus(this.pump.status(), this.pump.settings);
        return status.ok
          ? { type: 'STATUS', status: status.value }
          : this.error(WandErrorCode.PUMP_REFUSED, status.error.message);
      }
      case 'READ_EVENTS': {
        const pages = Math.min(MAX_EVENT_PAGES, Math.max(1, Math.ceil(this.pump.events.length / EVENTS_PER_PAGE)));
        if (m.page >= pages) return this.error(WandErrorCode.BAD_REQUEST, `page ${m.page} of ${pages}`);
        const slice = this.pump.events.slice(m.page * EVENTS_PER_PAGE, (m.page + 1) * EVENTS_PER_PAGE);
        return {
          type: 'EVENTS',
          page: m.page,
          pages,
          events: slice.map((e) => ({
            time: e.at === null ? NO_CLOCK : toWireTime(e.at),
            code: PUMP_EVENT_CODES.indexOf(e.code),
            detail: utf8Prefix(e.detail, MAX_EVENT_TEXT_BYTES),
          })),
        };
      }
      case 'SET_CLOCK':
        if (this.session === null) return this.error(WandErrorCode.NO_SESSION, 'open a session first');
        // The offset was checked by the decoder (−720…+840); the pump runs flex steps by clock + offset from now on.
        // Time 0 means "no clock": it cannot set one.
        if (m.time === NO_CLOCK) return this.error(WandErrorCode.PUMP_REFUSED, 'time 0 means no clock');
        this.pump.setClock(new Date(Date.UTC(2000, 0, 1) + m.time * 1000), m.utcOffsetMinutes);
        return { type: 'CLOCK_SET', time: m.time, utcOffsetMinutes: m.utcOffsetMinutes };
      case 'ALARM_TEST':
        if (this.session === null) return this.error(WandErrorCode.NO_SESSION, 'open a session first');
        this.pump.alarmTest();
        return { type: 'ALARM_TESTED' };
      case 'BEGIN_TX':
        if (this.session === null) return this.error(WandErrorCode.NO_SESSION, 'open a session first');
        this.begun = bytesToUuid(m.txId);
        this.staged = null;
        return { type: 'TX_BEGUN', txId: m.txId };
      case 'STAGE_PROGRAM': {
        if (this.session === null) return this.error(WandErrorCode.NO_SESSION, 'open a session first');
        if (this.begun !== bytesToUuid(m.txId))
          return this.error(WandErrorCode.TX_MISMATCH, 'stage names a transaction that was not begun');
        // Refused at once when the pump could not run it: the COMMIT would be refused anyway.
        const settings = fromWireSettings(m.settings);
        if (!settings.ok) return this.error(WandErrorCode.PUMP_REFUSED, settings.error.message);
        const runnable = this.pump.check(settings.value);
        if (!runnable.ok) return this.error(WandErrorCode.PUMP_REFUSED, runnable.error.message);
        if (settings.value.mode === 'flex' && !this.pump.hasClock) return this.noClockForFlex();
        // In flex the rate field carries the first step's rate (docs/wand-protocol.md, "The rate field").
        const first = m.settings.steps[0];
        if (settings.value.mode === 'flex' && first !== undefined && m.settings.rateUlPerDay !== first.rateUlPerDay)
          return this.error(WandErrorCode.PUMP_REFUSED, 'a flex rate field other than the first step’s rate');
        const refused = refusesFill(this.pump, m.reservoirUl) ?? this.refusesBridge(settings.value.mode, m);
        if (refused !== undefined) return this.error(WandErrorCode.PUMP_REFUSED, refused);
        this.staged = { txId: this.begun, message: m };
        return { type: 'STAGED', txId: m.txId };
      }
      case 'COMMIT': {
        if (this.session === null) return this.error(WandErrorCode.NO_SESSION, 'open a session first');
        const txId = bytesToUuid(m.txId);
        // A COMMIT of a transaction in the pump's replay window is answered, never applied again.
        if (this.pump.hasApplied(txId)) return { type: 'COMMITTED', txId: m.txId, applied: false };
        if (this.staged?.txId !== txId)
          return this.error(WandErrorCode.TX_MISMATCH, 'commit names a transaction that was not staged');
        const settings = fromWireSettings(this.staged.message.settings);
        if (!settings.ok) return this.error(WandErrorCode.PUMP_REFUSED, settings.error.message);
        const runnable = this.pump.check(settings.value);
        if (!runnable.ok) return this.error(WandErrorCode.PUMP_REFUSED, runnable.error.message);
        if (settings.value.mode === 'flex' && !this.pump.hasClock) return this.noClockForFlex();
        // The fill and bridge limits again, against the reservoir at this instant: the pump has
        // delivered since STAGE_PROGRAM, so a bridge it accepted then may now be more than is left.
        const refused =
          refusesFill(this.pump, this.staged.message.reservoirUl) ??
          this.refusesBridge(settings.value.mode, this.staged.message);
        if (refused !== undefined) return this.error(WandErrorCode.PUMP_REFUSED, refused);
        const reservoir = this.staged.message.reservoirUl;
        const bridge = this.staged.message.bridge;
        const applied = this.pump.apply(
          txId,
          settings.value,
          reservoir === null ? undefined : str(dec(reservoir).div(1000)),
          bridge === null
            ? undefined
            : { volumeMl: str(dec(bridge.volumeUl).div(1000)), durationMinutes: bridge.durationMin },
        );
        this.staged = null;
        this.begun = null;
        return { type: 'COMMITTED', txId: m.txId, applied };
      }
      case 'START_BOLUS': {
        if (this.session === null) return this.error(WandErrorCode.NO_SESSION, 'open a session first');
        const kind = BOLUS_KINDS[m.kind];
        if (kind === undefined) return this.error(WandErrorCode.BAD_REQUEST, `unknown bolus kind ${m.kind}`);
        if (!this.pump.hasApplied(bytesToUuid(m.txId))) {
          const refused = refusesDelivery(this.pump, m.volumeUl, m.durationMin, null);
          if (refused !== undefined) return this.error(WandErrorCode.PUMP_REFUSED, refused);
        }
        const applied = this.pump.startBolus({
          transactionId: bytesToUuid(m.txId),
          kind,
          volumeMl: str(dec(m.volumeUl).div(1000)),
          durationMinutes: m.durationMin,
        });
        return { type: 'BOLUS_STARTED', txId: m.txId, applied };
      }
      case 'BOLUS_STARTED':
      case 'HELLO_ACK':
      case 'PUMP_FOUND':
      case 'SESSION_OPENED':
      case 'STATUS':
      case 'EVENTS':
      case 'TX_BEGUN':
      case 'STAGED':
      case 'COMMITTED':
      case 'CLOCK_SET':
      case 'ALARM_TESTED':
      case 'ERROR':
        return this.error(WandErrorCode.BAD_REQUEST, `${m.type} is not a request`);
      default: {
        const never: never = m;
        return this.error(WandErrorCode.BAD_REQUEST, `unknown request ${String(never)}`);
      }
    }
  }
}
