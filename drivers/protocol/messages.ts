import { BadField, Reader, ShortPayload, Writer } from './bytes';
import {
  BOLUS_KINDS,
  DRUG_CODES,
  ALARM_CODES,
  isWireUtcOffset,
  MAX_WIRE_STEPS,
  MAX_UTC_OFFSET_MINUTES,
  MIN_UTC_OFFSET_MINUTES,
  MessageType,
  EVENTS_PER_PAGE,
  type Message,
  type MessageError,
  type MessageName,
  type WireSettings,
  type WireStatus,
} from './message-types';

// The codec of the wand protocol's messages; their vocabulary is message-types.ts.
export * from './message-types';

/** A flag byte: 0 or 1, nothing else. */
const flag = (r: Reader, field: string): boolean => {
  const v = r.u8();
  if (v > 1) throw new BadField(field, v);
  return v === 1;
};
/** A u8 code of an enumeration with `count` members. */
const code = (r: Reader, field: string, count: number): number => {
  const v = r.u8();
  if (v >= count) throw new BadField(field, v);
  return v;
};
/** A u8 count of at most `max` items. */
const count = (r: Reader, field: string, max: number): number => {
  const v = r.u8();
  if (v > max) throw new BadField(field, v);
  return v;
};

/** A UTC offset in minutes: an i16 within −720…+840, anything else refused. */
const utcOffset = (r: Reader, field: string): number => {
  const v = r.i16();
  if (!isWireUtcOffset(v)) throw new BadField(field, v);
  return v;
};
/** Writing an offset the protocol does not allow is a programming error: the host checks it before. */
const writeUtcOffset = (w: Writer, minutes: number): Writer => {
  if (!isWireUtcOffset(minutes))
    throw new RangeError(
      `a UTC offset of ${minutes} minutes is outside ${MIN_UTC_OFFSET_MINUTES}…${MAX_UTC_OFFSET_MINUTES}`,
    );
  return w.i16(minutes);
};

const writeSettings = (w: Writer, s: WireSettings) => {
  w.u8(s.drug).u8(s.massUnit).u32(s.concentrationNgPerMl).u8(s.mode).u32(s.rateUlPerDay).u8(s.steps.length);
  for (const step of s.steps) w.u16(step.startMinute).u32(step.rateUlPerDay);
  const b = s.patientBolus;
  if (b === null) w.u8(0);
  else w.u8(1).u32(b.volumeUl).u16(b.durationMin).u16(b.lockoutMin).u8(b.maxPerDay);
};
// Plain loops and literals: this is the decoder's hot path (every STATUS frame).
const readSettings = (r: Reader): WireSettings => {
  const drug = code(r, 'drug', DRUG_CODES.length);
  const massUnit = code(r, 'massUnit', 2);
  const concentrationNgPerMl = r.u32();
  const mode = code(r, 'mode', 3);
  const rateUlPerDay = r.u32();
  const steps: WireSettings['steps'] = [];
  for (let n = count(r, 'steps', MAX_WIRE_STEPS); n > 0; n--)
    steps.push({ startMinute: r.u16(), rateUlPerDay: r.u32() });
  const patientBolus = flag(r, 'patientBolus')
    ? { volumeUl: r.u32(), durationMin: r.u16(), lockoutMin: r.u16(), maxPerDay: r.u8() }
    : null;
  return { drug, massUnit, concentrationNgPerMl, mode, rateUlPerDay, steps, patientBolus };
};
const id16 = (r: Reader) => r.raw(16);
const checkId = (id: Uint8Array) => {
  if (id.length !== 16) throw new RangeError('identifiers are 16 bytes');
  return id;
};

export function encodeMessage(m: Message): { type: number; payload: Uint8Array } {
  const w = new Writer();
  switch (m.type) {
    case 'FIND_PUMP':
    case 'READ_STATUS':
    case 'ALARM_TEST':
    case 'ALARM_TESTED':
      break;
    case 'HELLO':
      w.u8(m.version);
      break;
    case 'OPEN_SESSION':
    case 'SESSION_OPENED':
      w.raw(checkId(m.sessionId));
      break;
    case 'READ_EVENTS':
      w.u16(m.page);
      break;
    case 'BEGIN_TX':
    case 'TX_BEGUN':
    case 'STAGED':
      w.raw(checkId(m.txId));
      break;
    case 'STAGE_PROGRAM':
      writeSettings(w.raw(checkId(m.txId)), m.settings);
      if (m.reservoirUl === null) w.u8(0);
      else w.u8(1).u32(m.reservoirUl);
      if (m.bridge === null) w.u8(0);
      else w.u8(1).u32(m.bridge.volumeUl).u16(m.bridge.durationMin);
      break;
    case 'COMMIT':
      w.raw(checkId(m.txId));
      break;
    case 'START_BOLUS':
      w.raw(checkId(m.txId)).u8(m.kind).u32(m.volumeUl).u16(m.durationMin);
      break;
    case 'BOLUS_STARTED':
      w.raw(checkId(m.txId)).u8(m.applied ? 1 : 0);
      break;
    case 'SET_CLOCK':
    case 'CLOCK_SET':
      writeUtcOffset(w.u32(m.time), m.utcOffsetMinutes);
      break;
    case 'HELLO_ACK':
      w.u8(m.version).str8(m.firmware).str8(m.wandSerial);
      break;
    case 'PUMP_FOUND':
      w.u8(m.linkQuality).str8(m.pumpSerial);
      break;
    case 'STATUS': {
      const s = m.status;
      writeUtcOffset(w.str8(s.model).str8(s.serial).u32(s.pumpTime), s.utcOffsetMinutes);
      writeSettings(w, s);
      w.u32(s.reservoirUl).u32(s.capacityUl).u32(s.alarmVolumeUl).u16(s.replaceByDay).u8(s.alarms.length);
      for (const a of s.alarms) w.u8(a.code).u32(a.since);
      if (s.lastTx === null) w.u8(0);
      else w.u8(1).raw(checkId(s.lastTx));
      if (s.bridgeUl === null) w.u8(0);
      else w.u8(1).u32(s.bridgeUl);
      break;
    }
    case 'EVENTS':
      w.u16(m.page).u16(m.pages).u8(m.events.length);
      for (const e of m.events) w.u32(e.time).u8(e.code).str8(e.detail);
      break;
    case 'COMMITTED':
      w.raw(checkId(m.txId)).u8(m.applied ? 1 : 0);
      break;
    case 'ERROR':
      w.u8(m.code).str8(m.message);
      break;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${String(never)}`);
    }
  }
  return { type: MessageType[m.type], payload: w.done() };
}

const byCode = new Map<number, MessageName>(Object.entries(MessageType).map(([k, v]) => [v, k as MessageName]));

/** Decodes a payload of the given type; a wrong length or an unknown type is a typed error. */
export function decodeMessage(
  type: number,
  payload: Uint8Array,
): { ok: true; message: Message } | { ok: false; error: MessageError } {
  const name = byCode.get(type);
  if (name === undefined) return { ok: false, error: { kind: 'UNKNOWN_TYPE', type } };
  const r = new Reader(payload);
  try {
    const message = read(name, r);
    if (r.remaining !== 0)
      return { ok: false, error: { kind: 'BAD_PAYLOAD', type, reason: `${r.remaining} unexpected trailing byte(s)` } };
    return { ok: true, message };
  } catch (e) {
    if (e instanceof ShortPayload) return { ok: false, error: { kind: 'BAD_PAYLOAD', type, reason: e.message } };
    if (e instanceof BadField) return { ok: false, error: { kind: 'BAD_FIELD', type, field: e.field, value: e.value } };
    throw e;
  }
}

function read(name: MessageName, r: Reader): Message {
  switch (name) {
    case 'FIND_PUMP':
    case 'READ_STATUS':
    case 'ALARM_TEST':
    case 'ALARM_TESTED':
      return { type: name };
    case 'HELLO':
      return { type: name, version: r.u8() };
    case 'OPEN_SESSION':
    case 'SESSION_OPENED':
      return { type: name, sessionId: id16(r) };
    case 'READ_EVENTS':
      return { type: name, page: r.u16() };
    case 'BEGIN_TX':
    case 'TX_BEGUN':
    case 'STAGED':
    case 'COMMIT':
      return { type: name, txId: id16(r) };
    case 'STAGE_PROGRAM': {
      const txId = id16(r);
      const settings = readSettings(r);
      const reservoirUl = flag(r, 'reservoir') ? r.u32() : null;
      const bridge = flag(r, 'bridge') ? { volumeUl: r.u32(), durationMin: r.u16() } : null;
      return { type: name, txId, settings, reservoirUl, bridge };
    }
    case 'START_BOLUS':
      return {
        type: name,
        txId: id16(r),
        kind: code(r, 'kind', BOLUS_KINDS.length),
        volumeUl: r.u32(),
        durationMin: r.u16(),
      };
    case 'BOLUS_STARTED':
      return { type: name, txId: id16(r), applied: flag(r, 'applied') };
    case 'SET_CLOCK':
    case 'CLOCK_SET':
      return { type: name, time: r.u32(), utcOffsetMinutes: utcOffset(r, 'utcOffsetMinutes') };
    case 'HELLO_ACK':
      return { type: name, version: r.u8(), firmware: r.str8(), wandSerial: r.str8() };
    case 'PUMP_FOUND': {
      const linkQuality = r.u8();
      if (linkQuality > 100) throw new BadField('linkQuality', linkQuality);
      return { type: name, linkQuality, pumpSerial: r.str8() };
    }
    case 'STATUS': {
      const model = r.str8();
      const serial = r.str8();
      const pumpTime = r.u32();
      const utcOffsetMinutes = utcOffset(r, 'utcOffsetMinutes');
      const s = readSettings(r);
      const reservoirUl = r.u32();
      const capacityUl = r.u32();
      const alarmVolumeUl = r.u32();
      const replaceByDay = r.u16();
      const alarms: WireStatus['alarms'] = [];
      for (let n = r.u8(); n > 0; n--)
        alarms.push({ code: code(r, 'alarms.code', ALARM_CODES.length), since: r.u32() });
      const lastTx = flag(r, 'lastTx') ? id16(r) : null;
      const bridgeUl = flag(r, 'bridge') ? r.u32() : null;
      const status: WireStatus = {
        model,
        serial,
        pumpTime,
        utcOffsetMinutes,
        drug: s.drug,
        massUnit: s.massUnit,
        concentrationNgPerMl: s.concentrationNgPerMl,
        mode: s.mode,
        rateUlPerDay: s.rateUlPerDay,
        steps: s.steps,
        patientBolus: s.patientBolus,
        reservoirUl,
        capacityUl,
        alarmVolumeUl,
        replaceByDay,
        alarms,
        lastTx,
        bridgeUl,
      };
      return { type: name, status };
    }
    case 'EVENTS': {
      const page = r.u16();
      const pages = r.u16();
      const events = Array.from({ length: count(r, 'events', EVENTS_PER_PAGE) }, () => ({
        time: r.u32(),
        code: r.u8(),
        detail: r.str8(),
      }));
      return { type: name, page, pages, events };
    }
    case 'COMMITTED':
      return { type: name, txId: id16(r), applied: flag(r, 'applied') };
    case 'ERROR':
      return { type: name, code: r.u8(), message: r.str8() };
    default: {
      const never: never = name;
      throw new Error(`unhandled ${String(never)}`);
    }
  }
}
