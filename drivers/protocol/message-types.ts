// The wand protocol's vocabulary: message types and their fields, error codes, limits
// (docs/wand-protocol.md). The codec is messages.ts, which re-exports all of this.
import { alarmCodes, drugs } from '../../core/pump';

/**
 * Every message of the wand protocol with its payload layout (docs/wand-protocol.md). Quantities
 * are fixed-point integers so firmware never needs floating point: rates in µL/day, volumes in
 * µL, concentrations in ng/mL, times in seconds since 2000-01-01T00:00:00Z, the clinic's UTC offset
 * in signed minutes, dates in days since 2000-01-01. Identifiers are 16-byte UUIDs.
 */
export const MessageType = {
  HELLO: 0x01,
  FIND_PUMP: 0x02,
  OPEN_SESSION: 0x03,
  READ_STATUS: 0x10,
  READ_EVENTS: 0x11,
  BEGIN_TX: 0x20,
  STAGE_PROGRAM: 0x21,
  COMMIT: 0x22,
  START_BOLUS: 0x23,
  SET_CLOCK: 0x30,
  ALARM_TEST: 0x31,
  HELLO_ACK: 0x81,
  PUMP_FOUND: 0x82,
  SESSION_OPENED: 0x83,
  STATUS: 0x90,
  EVENTS: 0x91,
  TX_BEGUN: 0xa0,
  STAGED: 0xa1,
  COMMITTED: 0xa2,
  BOLUS_STARTED: 0xa3,
  CLOCK_SET: 0xb0,
  ALARM_TESTED: 0xb1,
  ERROR: 0x7f,
} as const;

export const WandErrorCode = {
  NO_PUMP: 1,
  NO_SESSION: 2,
  BAD_REQUEST: 3,
  TX_MISMATCH: 4,
  PUMP_REFUSED: 5,
  BUSY: 6,
  VERSION_MISMATCH: 7,
} as const;
export type WandErrorCode = (typeof WandErrorCode)[keyof typeof WandErrorCode];

/** Drug codes on the wire are the positions in the core's drug list (new drugs are appended only). */
export const DRUG_CODES = drugs;
/** Alarm codes on the wire are the positions in the core's alarm list (new alarms are appended only). */
export const ALARM_CODES = alarmCodes;
export const BOLUS_KINDS = ['single', 'priming', 'bridge'] as const;

/**
 * The version of the message set, stated by the host in HELLO and by the wand in HELLO_ACK. The
 * frame header's version byte is the framing's own version and stays 1 whatever this is.
 */
export const MESSAGE_VERSION = 2;
/**
 * The clinic's UTC offset in minutes, as SET_CLOCK sends it and STATUS reports it: −720 (−12:00)
 * to +840 (+14:00), the span of every civil time zone. The pump runs flex steps by its local time,
 * its UTC clock plus this offset.
 */
export const MIN_UTC_OFFSET_MINUTES = -720;
export const MAX_UTC_OFFSET_MINUTES = 840;
export const isWireUtcOffset = (minutes: number): boolean =>
  Number.isInteger(minutes) && minutes >= MIN_UTC_OFFSET_MINUTES && minutes <= MAX_UTC_OFFSET_MINUTES;
/** At most this many flex steps travel in a settings block. */
export const MAX_WIRE_STEPS = 13;
/** Events per EVENTS page. */
export const EVENTS_PER_PAGE = 8;
/** The largest event log a pump keeps (oldest dropped first), in pages: 1024 events. */
export const MAX_EVENT_PAGES = 128;

export interface WireSettings {
  drug: number;
  /** 0 = mg, 1 = mcg: the unit the clinician works in (display only; the amount is in ng/mL). */
  massUnit: number;
  concentrationNgPerMl: number;
  /** 0 stopped, 1 continuous, 2 flex. */
  mode: number;
  rateUlPerDay: number;
  /** Flex steps (empty unless flex): start minute of the day, rate. */
  steps: Array<{ startMinute: number; rateUlPerDay: number }>;
  patientBolus: { volumeUl: number; durationMin: number; lockoutMin: number; maxPerDay: number } | null;
}

export interface WireStatus extends WireSettings {
  model: string;
  serial: string;
  pumpTime: number;
  /** The UTC offset the pump runs its flex schedule by (0 when it was never given one). */
  utcOffsetMinutes: number;
  reservoirUl: number;
  capacityUl: number;
  alarmVolumeUl: number;
  replaceByDay: number;
  alarms: Array<{ code: number; since: number }>;
  lastTx: Uint8Array | null;
  /** Volume left of a running bridge bolus, or null. */
  bridgeUl: number | null;
}

export type Message =
  | { type: 'HELLO'; version: number }
  | { type: 'FIND_PUMP' }
  | { type: 'OPEN_SESSION'; sessionId: Uint8Array }
  | { type: 'READ_STATUS' }
  | { type: 'READ_EVENTS'; page: number }
  | { type: 'BEGIN_TX'; txId: Uint8Array }
  | {
      type: 'STAGE_PROGRAM';
      txId: Uint8Array;
      settings: WireSettings;
      reservoirUl: number | null;
      bridge: { volumeUl: number; durationMin: number } | null;
    }
  | { type: 'COMMIT'; txId: Uint8Array }
  | { type: 'START_BOLUS'; txId: Uint8Array; kind: number; volumeUl: number; durationMin: number }
  | { type: 'SET_CLOCK'; time: number; utcOffsetMinutes: number }
  | { type: 'ALARM_TEST' }
  | { type: 'HELLO_ACK'; version: number; firmware: string; wandSerial: string }
  | { type: 'PUMP_FOUND'; linkQuality: number; pumpSerial: string }
  | { type: 'SESSION_OPENED'; sessionId: Uint8Array }
  | { type: 'STATUS'; status: WireStatus }
  | { type: 'EVENTS'; page: number; pages: number; events: Array<{ time: number; code: number; detail: string }> }
  | { type: 'TX_BEGUN'; txId: Uint8Array }
  | { type: 'STAGED'; txId: Uint8Array }
  | { type: 'COMMITTED'; txId: Uint8Array; applied: boolean }
  | { type: 'BOLUS_STARTED'; txId: Uint8Array; applied: boolean }
  | { type: 'CLOCK_SET'; time: number; utcOffsetMinutes: number }
  | { type: 'ALARM_TESTED' }
  | { type: 'ERROR'; code: number; message: string };

export type MessageName = Message['type'];
export type MessageError =
  | { kind: 'UNKNOWN_TYPE'; type: number }
  | { kind: 'BAD_PAYLOAD'; type: number; reason: string }
  /** A flag byte other than 0/1, an enumeration code out of range, a count above its maximum. */
  | { kind: 'BAD_FIELD'; type: number; field: string; value: number };
