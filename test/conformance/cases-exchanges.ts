// Conformance cases of the wand's exchanges: every request answered, sequence numbers, frames it
// cannot read, sessions, a lost pump, the message version (docs/wand-protocol.md, "Conformance").
import { crc16 } from '../../drivers/protocol/crc';
import { toWireTime } from '../../drivers/protocol/convert';
import { encodeFrame } from '../../drivers/protocol/frame';
import { MESSAGE_VERSION, MessageType, WandErrorCode, type Message } from '../../drivers/protocol/messages';
import {
  type ConformanceCase,
  freshTx,
  hello,
  openSession,
  programOf,
  programText,
  readStatus,
  wireSettings,
  withLink,
  withWire,
} from './helpers';
import { conform, said, type Wire } from './wire';

const { NO_PUMP, NO_SESSION, BAD_REQUEST, TX_MISMATCH, VERSION_MISMATCH } = WandErrorCode;

/** A program every pump model of the project runs, for requests that must be refused before it matters. */
const SOME_SETTINGS = wireSettings({
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'continuous',
  rate: { value: '0.3', unit: 'mL/day' },
});

/** Every request that changes the pump or needs a session, each with a fresh transaction id. */
const sessionRequests = (): Message[] => {
  const tx = freshTx().bytes;
  return [
    { type: 'SET_CLOCK', time: toWireTime(new Date()), utcOffsetMinutes: 0 },
    { type: 'ALARM_TEST' },
    { type: 'BEGIN_TX', txId: tx },
    { type: 'STAGE_PROGRAM', txId: tx, settings: SOME_SETTINGS, reservoirUl: null, bridge: null },
    { type: 'COMMIT', txId: tx },
    { type: 'START_BOLUS', txId: freshTx().bytes, kind: 0, volumeUl: 1, durationMin: 1 },
  ];
};

/** An answer to a frame the wand could not read: ERROR 3, numbered 0. */
async function unreadable(wire: Wire, what: string, bytes: Uint8Array): Promise<void> {
  await wire.send(bytes);
  const a = await wire.receive('W1');
  conform(
    a.seq === 0 && a.message.type === 'ERROR' && a.message.code === BAD_REQUEST,
    'W1',
    () => `${what} was answered ${said(a)}, not ERROR 3 numbered 0`,
  );
}

/** A frame the wand can read whose payload does not decode: ERROR 3 with the frame's own number. */
async function undecodable(wire: Wire, what: string, type: number, payload: Uint8Array): Promise<void> {
  const seq = wire.nextSeq();
  const a = await wire.raw('W6', seq, type, payload);
  conform(a.seq === seq, 'W1', () => `${what}, a readable frame numbered ${seq}, was answered ${said(a)}`);
  conform(
    a.message.type === 'ERROR' && a.message.code === BAD_REQUEST,
    'W6',
    () => `${what} numbered ${seq} was answered ${said(a)}, not ERROR 3 numbered ${seq}`,
  );
}

export const exchangeCases: ConformanceCase[] = [
  {
    items: ['W1', 'W2', 'W3', 'W5', 'W7'],
    name: 'every request is answered by its answer type, with its sequence number (across the wrap 255 → 1) and its echoes',
    run: (t) =>
      withWire(t, async (wire) => {
        wire.numberFrom(250);
        const serial = await openSession(wire);
        const before = await readStatus(wire, serial);
        const events = await wire.expect('W3', { type: 'READ_EVENTS', page: 0 }, 'EVENTS');
        conform(events.pages >= 1 && events.pages <= 128, 'W8', () => `EVENTS claims ${events.pages} pages`);
        await wire.expect(
          'W2',
          { type: 'SET_CLOCK', time: toWireTime(new Date()), utcOffsetMinutes: before.wire.utcOffsetMinutes },
          'CLOCK_SET',
        );
        await wire.expect('W3', { type: 'ALARM_TEST' }, 'ALARM_TESTED');
        const tx = freshTx();
        const settings = wireSettings(programOf(before.status));
        await wire.expect('W2', { type: 'BEGIN_TX', txId: tx.bytes }, 'TX_BEGUN');
        await wire.expect(
          'W2',
          { type: 'STAGE_PROGRAM', txId: tx.bytes, settings, reservoirUl: null, bridge: null },
          'STAGED',
        );
        const committed = await wire.expect('W2', { type: 'COMMIT', txId: tx.bytes }, 'COMMITTED');
        conform(committed.applied, 'W5', () => 'a fresh transaction was answered applied=0');
        const bolus = freshTx();
        const started = await wire.expect(
          'W2',
          { type: 'START_BOLUS', txId: bolus.bytes, kind: 0, volumeUl: 1, durationMin: 1 },
          'BOLUS_STARTED',
        );
        conform(started.applied, 'W5', () => 'a fresh bolus was answered applied=0');
        const after = await readStatus(wire, serial);
        conform(
          after.status.lastTransactionId === bolus.id,
          'W5',
          () => `STATUS names ${after.status.lastTransactionId ?? 'no'} transaction, not the bolus ${bolus.id}`,
        );
        conform(programText(after.wire) === programText(before.wire), 'W5', () => 'rewriting the program changed it');
      }),
  },
  {
    items: ['W1', 'W6'],
    name: 'a frame it cannot read is answered ERROR 3 numbered 0; a payload that does not decode, ERROR 3 with its number',
    run: (t) =>
      withWire(t, async (wire) => {
        await openSession(wire);
        const good = encodeFrame({ seq: 77, type: MessageType.FIND_PUMP, payload: new Uint8Array(0) });
        const badCrc = good.slice();
        badCrc[badCrc.length - 1] = (badCrc[badCrc.length - 1] ?? 0) ^ 0xff;
        await unreadable(wire, 'a FIND_PUMP with a bad CRC', badCrc);
        // Frame format version 2 with a good CRC.
        const badVersion = good.slice();
        badVersion[2] = 2;
        const crc = crc16(badVersion, 2, badVersion.length - 2);
        badVersion[badVersion.length - 2] = crc & 0xff;
        badVersion[badVersion.length - 1] = crc >> 8;
        await unreadable(wire, 'a frame of format version 2', badVersion);
        await undecodable(wire, 'READ_EVENTS with a 1-byte page', MessageType.READ_EVENTS, new Uint8Array([0]));
        await undecodable(wire, 'READ_EVENTS with a byte left over', MessageType.READ_EVENTS, new Uint8Array(3));
        await undecodable(wire, 'a message of unknown type 0x55', 0x55, new Uint8Array(0));
        await undecodable(
          wire,
          'an answer type (ALARM_TESTED) sent as a request',
          MessageType.ALARM_TESTED,
          new Uint8Array(0),
        );
        const bolus = new Uint8Array(23);
        bolus.set(freshTx().bytes);
        bolus[16] = 3; // bolus kind 3: none
        bolus[17] = 1; // 1 µL
        bolus[21] = 1; // over 1 minute
        await undecodable(wire, 'START_BOLUS of bolus kind 3', MessageType.START_BOLUS, bolus);
        // The wand goes on answering.
        await wire.expect('W1', { type: 'FIND_PUMP' }, 'PUMP_FOUND');
      }),
  },
  {
    items: ['W6', 'W9'],
    name: 'reads need no session, everything else does (ERROR 2); HELLO and a new OPEN_SESSION end the session',
    run: (t) =>
      withWire(t, async (wire) => {
        await hello(wire);
        const found = await wire.expect('W3', { type: 'FIND_PUMP' }, 'PUMP_FOUND');
        const before = await readStatus(wire, found.pumpSerial);
        await wire.expect('W6', { type: 'READ_EVENTS', page: 0 }, 'EVENTS');
        for (const request of sessionRequests()) await wire.refused('W6', request, NO_SESSION);
        const after = await readStatus(wire, found.pumpSerial);
        conform(
          after.status.lastTransactionId === before.status.lastTransactionId &&
            programText(after.wire) === programText(before.wire),
          'W6',
          () => 'a write refused for want of a session changed the pump',
        );
        // HELLO ends the session: a transaction begun in it is gone, and so is the session.
        await openSession(wire);
        await wire.expect('W3', { type: 'ALARM_TEST' }, 'ALARM_TESTED');
        await hello(wire);
        await wire.expect('W3', { type: 'FIND_PUMP' }, 'PUMP_FOUND');
        await wire.refused('W9', { type: 'ALARM_TEST' }, NO_SESSION);
        // A new OPEN_SESSION replaces the session and discards the transaction begun in it.
        await openSession(wire);
        const tx = freshTx();
        await wire.expect('W2', { type: 'BEGIN_TX', txId: tx.bytes }, 'TX_BEGUN');
        await wire.expect('W2', { type: 'OPEN_SESSION', sessionId: freshTx().bytes }, 'SESSION_OPENED');
        await wire.refused(
          'W9',
          { type: 'STAGE_PROGRAM', txId: tx.bytes, settings: SOME_SETTINGS, reservoirUl: null, bridge: null },
          TX_MISMATCH,
        );
        await wire.expect('W9', { type: 'ALARM_TEST' }, 'ALARM_TESTED');
      }),
  },
  {
    items: ['W6', 'W9'],
    name: 'a pump out of range: ERROR 1 to every request but HELLO, and the session ends',
    run: async (t) => {
      try {
        await withWire(t, async (wire) => {
          await openSession(wire);
          await t.pumpInRange(false);
          for (const request of [{ type: 'READ_STATUS' }, { type: 'FIND_PUMP' }, ...sessionRequests()] as Message[])
            await wire.refused('W6', request, NO_PUMP);
          await t.pumpInRange(true);
          await wire.refused('W9', { type: 'ALARM_TEST' }, NO_SESSION);
          await t.pumpInRange(false);
          await hello(wire);
          await t.pumpInRange(true);
          await wire.expect('W6', { type: 'FIND_PUMP' }, 'PUMP_FOUND');
        });
        // The driver tells the clinician to hold the wand over the pump, and goes on once it is.
        await withLink(t, async (link) => {
          await t.pumpInRange(false);
          const lost = await link.interrogate();
          conform(
            !lost.ok && lost.error.code === 'PUMP_NOT_FOUND',
            'W6',
            () => `the driver read ${JSON.stringify(lost)}`,
          );
          await t.pumpInRange(true);
          const back = await link.interrogate();
          conform(back.ok, 'W6', () => `the driver read ${JSON.stringify(back)} with the pump back in range`);
        });
      } finally {
        await t.pumpInRange(true);
      }
    },
  },
  {
    items: ['W6', 'W7'],
    name: 'HELLO of another message version: HELLO_ACK states the wand’s, then nothing but HELLO is served (ERROR 7)',
    run: (t) =>
      withWire(t, async (wire) => {
        for (const version of [MESSAGE_VERSION - 1, MESSAGE_VERSION + 1]) {
          const ack = await wire.expect('W7', { type: 'HELLO', version }, 'HELLO_ACK');
          conform(ack.version === MESSAGE_VERSION, 'W7', () => `HELLO_ACK to version ${version} states ${ack.version}`);
          const requests: Message[] = [
            { type: 'FIND_PUMP' },
            { type: 'OPEN_SESSION', sessionId: freshTx().bytes },
            { type: 'READ_STATUS' },
            { type: 'READ_EVENTS', page: 0 },
            ...sessionRequests(),
          ];
          for (const request of requests) await wire.refused('W7', request, VERSION_MISMATCH);
        }
        await openSession(wire);
        await readStatus(wire);
      }),
  },
];
