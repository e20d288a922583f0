// What the wand conformance suite runs against, and the steps its cases share.
import { randomUUID } from 'node:crypto';
import type { PumpSettings, PumpStatus } from '../../core/pump';
import { fromWireStatus, toWireSettings, uuidToBytes } from '../../drivers/protocol/convert';
import { MESSAGE_VERSION, type Message, type WireSettings, type WireStatus } from '../../drivers/protocol/messages';
import type { UsbDeviceLike } from '../../drivers/usb/types';
import { WandLink } from '../../drivers/wand-link';
import { conform, Wire } from './wire';

/**
 * A wand to test, as a WebUSB `USBDevice`: the simulator's in-memory device, or a wand on a real
 * USB stack (the kernel bench's gadget through node-usb's WebUSB). The suite opens and closes the
 * device itself; nobody else may hold it while a case runs. Cases may run on a wand other cases
 * ran on before: each establishes what it needs through the protocol.
 */
export interface ConformanceTarget {
  /** The wand's device now (a replugged wand is a new device object). */
  device(): Promise<UsbDeviceLike>;
  /** Takes the pump out of the wand's range (false) or brings it back (true): the clinician moving the wand. */
  pumpInRange(inRange: boolean): Promise<void>;
  /** Lets the pump log `count` more events (alarm tests) without the wire, to fill its event log past its bound. */
  logEvents(count: number): Promise<void>;
  /** Makes the pump lose its clock without the wire (as a reset with a flat clock cell would): W14. */
  loseClock(): Promise<void>;
}

export interface ConformanceCase {
  /** The items of docs/wand-protocol.md's "Conformance" (wand side, W1…W14) the case checks. */
  items: string[];
  name: string;
  run(target: ConformanceTarget): Promise<void>;
}

/** Runs `body` with the wire open, closing it whatever happens. */
export async function withWire<T>(target: ConformanceTarget, body: (wire: Wire) => Promise<T>): Promise<T> {
  const wire = new Wire(await target.device());
  try {
    await wire.open();
    return await body(wire);
  } finally {
    await wire.close();
  }
}

/** Runs `body` with the project's driver (WandLink) on the wand, closing it whatever happens. */
export async function withLink<T>(target: ConformanceTarget, body: (link: WandLink) => Promise<T>): Promise<T> {
  const link = new WandLink(await target.device(), { kind: 'usb' });
  try {
    return await body(link);
  } finally {
    await link.close();
  }
}

/** HELLO of this message version: the wand must state the same version. */
export async function hello(wire: Wire): Promise<void> {
  const ack = await wire.expect('W7', { type: 'HELLO', version: MESSAGE_VERSION }, 'HELLO_ACK');
  conform(ack.version === MESSAGE_VERSION, 'W7', () => `HELLO_ACK states version ${ack.version}`);
}

/** HELLO, FIND_PUMP, OPEN_SESSION with a fresh session id; the pump's serial. */
export async function openSession(wire: Wire): Promise<string> {
  await hello(wire);
  const found = await wire.expect('W3', { type: 'FIND_PUMP' }, 'PUMP_FOUND');
  await wire.expect('W2', { type: 'OPEN_SESSION', sessionId: uuidToBytes(randomUUID()) }, 'SESSION_OPENED');
  return found.pumpSerial;
}

/** READ_STATUS: a STATUS the host's strict conversion accepts (flex and rate-field rules, therapy model). */
export async function readStatus(wire: Wire, serial?: string): Promise<{ wire: WireStatus; status: PumpStatus }> {
  const m = await wire.expect('W3', { type: 'READ_STATUS' }, 'STATUS');
  const status = fromWireStatus(m.status);
  conform(status.ok, 'W3', () => `the STATUS is refused by the host: ${status.ok ? '' : status.error.message}`);
  if (serial !== undefined)
    conform(m.status.serial === serial, 'W3', () => `STATUS names pump ${m.status.serial}, PUMP_FOUND ${serial}`);
  return { wire: m.status, status: status.value };
}

/** The program a status reports, as settings to write. */
export const programOf = (s: PumpStatus): PumpSettings => ({
  drug: s.drug,
  concentration: s.concentration,
  mode: s.mode,
  rate: s.rate,
  ...(s.steps === undefined ? {} : { steps: s.steps }),
  ...(s.patientBolus === undefined ? {} : { patientBolus: s.patientBolus }),
});

/** A continuous program of the same drug and concentration, at a rate the pump does not run now. */
export const anotherProgram = (s: PumpStatus, avoid: string[] = []): PumpSettings => {
  const rate = ['0.35', '0.3', '0.28', '0.32'].find((r) => r !== s.rate.value && !avoid.includes(r)) ?? '0.33';
  return { drug: s.drug, concentration: s.concentration, mode: 'continuous', rate: { value: rate, unit: 'mL/day' } };
};

/**
 * A flex program of the pump's own drug and concentration (from a status read), as wire settings:
 * each step its start and its rate in mL/day; the rate field the first step's.
 */
export function flexOf(
  status: Pick<PumpStatus, 'drug' | 'concentration'>,
  steps: Array<[string, string]>,
): WireSettings {
  const rate = (value: string) => ({ value, unit: 'mL/day' as const });
  return wireSettings({
    drug: status.drug,
    concentration: status.concentration,
    mode: 'flex',
    rate: rate(steps[0]?.[1] ?? '0'),
    steps: steps.map(([start, value]) => ({ start, rate: rate(value) })),
  });
}

export function wireSettings(s: PumpSettings): WireSettings {
  const w = toWireSettings(s);
  if (!w.ok) throw new Error(`the suite built settings the wire cannot carry: ${w.error.message}`);
  return w.value;
}

/** A fresh transaction id, as text and as its wire bytes. */
export const freshTx = () => {
  const id = randomUUID();
  return { id, bytes: uuidToBytes(id) };
};

/** What the program part of a STATUS says, to compare two of them. */
export const programText = (w: WireStatus): string =>
  JSON.stringify({
    drug: w.drug,
    massUnit: w.massUnit,
    concentration: w.concentrationNgPerMl,
    mode: w.mode,
    steps: w.steps,
    patientBolus: w.patientBolus,
    ...(w.mode === 2 ? {} : { rate: w.rateUlPerDay }),
  });

/** A program's settings as STATUS would carry them (the rate field aside, which in flex is the step running now). */
export const programTextOf = (s: WireSettings): string =>
  JSON.stringify({
    drug: s.drug,
    massUnit: s.massUnit,
    concentration: s.concentrationNgPerMl,
    mode: s.mode,
    steps: s.steps,
    patientBolus: s.patientBolus,
    ...(s.mode === 2 ? {} : { rate: s.rateUlPerDay }),
  });

/** A STAGE_PROGRAM of `settings` in transaction `txId`. */
export const stage = (txId: Uint8Array, settings: WireSettings, extra: Partial<Message> = {}): Message =>
  ({ type: 'STAGE_PROGRAM', txId, settings, reservoirUl: null, bridge: null, ...extra }) as Message;

/** BEGIN_TX, STAGE_PROGRAM, COMMIT of a fresh transaction; whether the pump applied it. */
export async function write(wire: Wire, settings: WireSettings, extra: Partial<Message> = {}): Promise<string> {
  const tx = freshTx();
  await wire.expect('W2', { type: 'BEGIN_TX', txId: tx.bytes }, 'TX_BEGUN');
  await wire.expect('W2', stage(tx.bytes, settings, extra), 'STAGED');
  const c = await wire.expect('W2', { type: 'COMMIT', txId: tx.bytes }, 'COMMITTED');
  conform(c.applied, 'W5', () => 'a fresh transaction was answered applied=0');
  return tx.id;
}
