// Conformance cases of the wand's exchanges: every request answered, sequence numbers, frames it
// cannot read, a frame begun but not finished, sessions, a lost pump, the message version
// (docs/wand-protocol.md, "Conformance").
import { crc16 } from '../../drivers/protocol/crc';
import { toWireTime } from '../../drivers/protocol/convert';
import { encodeFrame, PACKET_BYTES } from '../../drivers/protocol/frame';
import {
  encodeMessage,
  MESSAGE_VERSION,
  MessageType,
  WandErrorCode,
  type Message,
} from '../../drivers/protocol/messages';
import {
  flexOf,
  type ConformanceCase,
  freshTx,
  hello,
  openSession,
  programOf,
  programText,
  readStatus,
  stage,
  wireSettings,
  withLink,
  withWire,
} from './helpers';
import { conform, hex, Nonconformance, said, sleep, type Wire } from './wire';

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

/**
 * The wait after half a frame, well past the wand's 200 ms (W13), and the gap between a frame's
 * packets that must continue it, well within it: neither is near the limit, for a loaded or
 * emulated USB stack may delay a packet.
 */
const PAST_THE_LIMIT_MS = 400;
const WITHIN_THE_LIMIT_MS = 20;

/** Writes `frame` as its 64-byte packets with `gapMs` between them, and reads its answer: STAGED numbered `seq`. */
async function staged(
  wire: Wire,
  what: string,
  seq: number,
  txId: Uint8Array,
  frame: Uint8Array,
  gapMs: number,
): Promise<void> {
  for (let at = 0; at < frame.length; at += PACKET_BYTES) {
    if (at > 0) await sleep(gapMs);
    await wire.send(frame.slice(at, at + PACKET_BYTES));
  }
  const a = await wire.receive('W13').catch((e: unknown) => {
    // No answer: the wand dropped a part of the frame, or all of it.
    throw new Nonconformance('W13', `${what} was not answered (${e instanceof Error ? e.message : String(e)})`);
  });
  conform(
    a.seq === seq && a.message.type === 'STAGED' && hex(a.message.txId) === hex(txId),
    'W13',
    () => `${what} was answered ${said(a)}, not STAGED numbered ${seq}`,
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
    items: ['W13', 'W1'],
    name: 'a frame begun but not finished: its part dropped when the next packet comes more than 200 ms later (the repeat is read whole), kept when it comes within',
    run: (t) =>
      withWire(t, async (wire) => {
        const serial = await openSession(wire);
        const s0 = await readStatus(wire, serial);
        // A flex program of five steps: its STAGE_PROGRAM is a frame of two packets (70 bytes).
        const settings = flexOf(s0.status, [
          ['00:00', '0.3'],
          ['06:00', '0.32'],
          ['12:00', '0.35'],
          ['18:00', '0.28'],
          ['21:00', '0.3'],
        ]);
        const frameOf = (txId: Uint8Array) => {
          const seq = wire.nextSeq();
          return { seq, frame: encodeFrame({ seq, ...encodeMessage(stage(txId, settings)) }) };
        };
        // A pump without a clock refuses a flex program (W14): the clock is set first.
        await wire.expect(
          'W2',
          { type: 'SET_CLOCK', time: toWireTime(new Date()), utcOffsetMinutes: s0.wire.utcOffsetMinutes },
          'CLOCK_SET',
        );
        const tx = freshTx();
        await wire.expect('W2', { type: 'BEGIN_TX', txId: tx.bytes }, 'TX_BEGUN');
        const cut = frameOf(tx.bytes);
        conform(cut.frame.length > PACKET_BYTES, 'suite', () => `the frame is ${cut.frame.length} bytes, one packet`);
        // The first packet alone, as a host whose write stopped there; then, past the limit, the
        // request repeated whole. Were the part kept, the repeat's first bytes would complete it
        // (its CRC fails: ERROR 3 numbered 0).
        await wire.send(cut.frame.slice(0, PACKET_BYTES));
        await sleep(PAST_THE_LIMIT_MS);
        const repeat = frameOf(tx.bytes);
        await staged(
          wire,
          `a STAGE_PROGRAM sent whole ${PAST_THE_LIMIT_MS} ms after the first packet of another`,
          repeat.seq,
          tx.bytes,
          repeat.frame,
          0,
        );
        // Another transaction's, its two packets 20 ms apart: one frame.
        const tx2 = freshTx();
        await wire.expect('W2', { type: 'BEGIN_TX', txId: tx2.bytes }, 'TX_BEGUN');
        const slow = frameOf(tx2.bytes);
        await staged(
          wire,
          `a STAGE_PROGRAM whose packets came ${WITHIN_THE_LIMIT_MS} ms apart`,
          slow.seq,
          tx2.bytes,
          slow.frame,
          WITHIN_THE_LIMIT_MS,
        );
        // Nothing of either frame is left over: the wand answers in step, and nothing was committed.
        await wire.expect('W2', { type: 'BEGIN_TX', txId: freshTx().bytes }, 'TX_BEGUN');
        const s1 = await readStatus(wire, serial);
        conform(
          programText(s1.wire) === programText(s0.wire) && s1.status.lastTransactionId === s0.status.lastTransactionId,
          'W13',
          () => 'staging the program changed what the pump runs',
        );
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
