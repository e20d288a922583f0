// The wand conformance suite's own access to the wire: request frames written byte for byte on
// the wand's bulk OUT endpoint and answer frames read from its IN endpoint, through nothing but the
// WebUSB `USBDevice` calls (drivers/usb/types.ts). No driver code sits between the suite and the
// wand here, so the suite can send what the driver never would (another sequence number, another
// message version, a damaged frame) and see exactly what the wand answers.
import { decodeFrame, encodeFrame, frameLength, packetize, PACKET_BYTES } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage, type Message, type MessageName } from '../../drivers/protocol/messages';
import { WAND_USB, type UsbDeviceLike, type UsbInResult } from '../../drivers/usb/types';

/** A behaviour of docs/wand-protocol.md ("Conformance") the wand did not show. */
export class Nonconformance extends Error {
  constructor(item: string, detail: string) {
    super(`${item}: ${detail}`);
    this.name = 'Nonconformance';
  }
}

export function conform(condition: boolean, item: string, detail: () => string): asserts condition {
  if (!condition) throw new Nonconformance(item, detail());
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** An answer as it came: its sequence number, its message (decoded strictly) and its bytes. */
export interface Answer {
  seq: number;
  message: Message;
  bytes: Uint8Array;
}

/** Describes an answer for a failure message. */
export const said = (a: Answer): string =>
  a.message.type === 'ERROR'
    ? `ERROR ${a.message.code} "${a.message.message}" numbered ${a.seq}`
    : `${a.message.type} numbered ${a.seq}`;

/**
 * The suite's side of the wire. Each answer must arrive within `deadlineMs`; a read still pending
 * then is kept and read on by the next exchange (WebUSB cannot cancel it), and every read and
 * write also names that deadline as its USB timeout (node-usb cancels a transfer still pending then).
 */
export class Wire {
  private pending: Promise<UsbInResult> | null = null;
  private seq = 0;
  private holds = false;

  constructor(
    readonly device: UsbDeviceLike,
    private readonly deadlineMs = 2000,
  ) {}

  /** Opens the device (when it is not open), selects configuration 1 (when it is not active) and claims interface 0. */
  async open(): Promise<void> {
    if (!this.device.opened) await this.device.open();
    let active: number | undefined;
    try {
      active = this.device.configuration?.configurationValue;
    } catch {
      active = undefined;
    }
    if (active !== WAND_USB.configuration) await this.device.selectConfiguration(WAND_USB.configuration);
    await this.device.claimInterface(WAND_USB.interface);
    this.holds = true;
  }

  /** Waits for a read in flight (bounded), releases interface 0 and closes the device. */
  async close(): Promise<void> {
    if (this.pending !== null) await Promise.race([this.pending.catch(() => undefined), sleep(this.deadlineMs + 250)]);
    this.pending = null;
    if (!this.holds) return;
    this.holds = false;
    await this.device.releaseInterface(WAND_USB.interface).catch(() => undefined);
    await this.device.close().catch(() => undefined);
  }

  /** The next sequence number a host would use: 1…255, wrapping to 1, never 0. */
  nextSeq(): number {
    this.seq = (this.seq % 255) + 1;
    return this.seq;
  }

  /** Starts the numbering so that the next request is numbered `seq` (to cross the wrap). */
  numberFrom(seq: number): void {
    this.seq = seq === 1 ? 255 : seq - 1;
  }

  /** Writes raw bytes as 64-byte bulk packets. */
  async send(bytes: Uint8Array): Promise<void> {
    for (const packet of packetize(bytes)) await this.device.transferOut(WAND_USB.endpointOut, packet, this.deadlineMs);
  }

  /** Reads one answer frame: its header, then exactly the bytes it announces. */
  async receive(item: string): Promise<Answer> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), this.deadlineMs)),
    );
    try {
      return await this.readFrame(item, deadline);
    } finally {
      clearTimeout(timer);
    }
  }

  private async readFrame(item: string, deadline: Promise<'timeout'>): Promise<Answer> {
    let bytes = new Uint8Array(0);
    for (;;) {
      const need = frameLength(bytes);
      if (typeof need === 'number' && bytes.length >= need) break;
      conform(typeof need !== 'object', item, () => `the answer does not start a frame: ${hex(bytes)}`);
      this.pending ??= this.device.transferIn(WAND_USB.endpointIn, PACKET_BYTES, this.deadlineMs);
      const r = await Promise.race([this.pending, deadline]);
      if (r === 'timeout')
        throw new Nonconformance(item, `no whole answer within ${this.deadlineMs} ms (${bytes.length} bytes)`);
      this.pending = null;
      conform(r.status === 'ok', item, () => `the IN endpoint answered with status ${r.status}`);
      const d = r.data;
      if (d === undefined || d.byteLength === 0) continue;
      const next = new Uint8Array(bytes.length + d.byteLength);
      next.set(bytes);
      next.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), bytes.length);
      bytes = next;
    }
    const frame = decodeFrame(bytes);
    conform(frame.ok, item, () => `the answer is not a valid frame (${JSON.stringify(frame)}): ${hex(bytes)}`);
    const decoded = decodeMessage(frame.frame.type, frame.frame.payload);
    conform(decoded.ok, item, () => `the answer does not decode strictly (${JSON.stringify(decoded)}): ${hex(bytes)}`);
    return { seq: frame.frame.seq, message: decoded.message, bytes };
  }

  /** Sends one request frame of any type and payload, numbered `seq`, and reads its answer. */
  async raw(item: string, seq: number, type: number, payload: Uint8Array): Promise<Answer> {
    await this.send(encodeFrame({ seq, type, payload }));
    return this.receive(item);
  }

  /** Sends `request` with the next sequence number; its answer must carry that number. */
  async ask(item: string, request: Message): Promise<Answer> {
    const seq = this.nextSeq();
    const { type, payload } = encodeMessage(request);
    const a = await this.raw(item, seq, type, payload);
    conform(a.seq === seq, 'W1', () => `${request.type} numbered ${seq} was answered ${said(a)}`);
    return a;
  }

  /** `ask`, and the answer must be of type `expect` and echo the request (docs: "Echoed fields"). */
  async expect<N extends MessageName>(
    item: string,
    request: Message,
    expect: N,
  ): Promise<Extract<Message, { type: N }>> {
    const a = await this.ask(item, request);
    conform(a.message.type === expect, item, () => `${request.type} was answered ${said(a)}, not ${expect}`);
    const echo = echoed(request, a.message);
    conform(echo === null, 'W2', () => `${request.type} was answered with ${echo ?? ''}`);
    return a.message as Extract<Message, { type: N }>;
  }

  /** `ask`, and the answer must be ERROR `code` with the request's number. */
  async refused(item: string, request: Message, code: number): Promise<void> {
    const a = await this.ask(item, request);
    conform(
      a.message.type === 'ERROR' && a.message.code === code,
      item,
      () => `${request.type} was answered ${said(a)}, not ERROR ${code}`,
    );
  }
}

/** The echo the answer gets wrong, or null (the table "Echoed fields" of docs/wand-protocol.md). */
function echoed(request: Message, answer: Message): string | null {
  const bytes = (field: string, sent: Uint8Array, got: Uint8Array) =>
    sameBytes(sent, got) ? null : `${field} ${hex(got)}, the request's ${hex(sent)}`;
  const num = (field: string, sent: number, got: number) =>
    sent === got ? null : `${field} ${got}, the request's ${sent}`;
  if (request.type === 'OPEN_SESSION' && answer.type === 'SESSION_OPENED')
    return bytes('sessionId', request.sessionId, answer.sessionId);
  if (
    (request.type === 'BEGIN_TX' && answer.type === 'TX_BEGUN') ||
    (request.type === 'STAGE_PROGRAM' && answer.type === 'STAGED') ||
    (request.type === 'COMMIT' && answer.type === 'COMMITTED') ||
    (request.type === 'START_BOLUS' && answer.type === 'BOLUS_STARTED')
  )
    return bytes('txId', request.txId, answer.txId);
  if (request.type === 'SET_CLOCK' && answer.type === 'CLOCK_SET')
    return (
      num('time', request.time, answer.time) ??
      num('utcOffsetMinutes', request.utcOffsetMinutes, answer.utcOffsetMinutes)
    );
  if (request.type === 'READ_EVENTS' && answer.type === 'EVENTS') return num('page', request.page, answer.page);
  return null;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
