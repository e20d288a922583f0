// Conformance cases of the pump behind the wand: transactions and their atomicity, the replay
// window, volumes and times on the wire, the UTC offset and flex schedule, the event log, and the
// project's driver end to end (docs/wand-protocol.md, "Conformance").
import { randomUUID } from 'node:crypto';
import { exactMl, toWireTime } from '../../drivers/protocol/convert';
import { MessageType, WandErrorCode, type Message, type WireSettings } from '../../drivers/protocol/messages';
import { compareReadBack } from '../../services/read-back';
import {
  anotherProgram,
  type ConformanceCase,
  freshTx,
  openSession,
  programOf,
  programText,
  programTextOf,
  readStatus,
  wireSettings,
  withLink,
  withWire,
} from './helpers';
import { conform, said, type Wire } from './wire';

const { BAD_REQUEST, TX_MISMATCH, PUMP_REFUSED } = WandErrorCode;

const stage = (txId: Uint8Array, settings: WireSettings, extra: Partial<Message> = {}): Message =>
  ({ type: 'STAGE_PROGRAM', txId, settings, reservoirUl: null, bridge: null, ...extra }) as Message;

/** BEGIN_TX, STAGE_PROGRAM, COMMIT of a fresh transaction; whether the pump applied it. */
async function write(wire: Wire, settings: WireSettings, extra: Partial<Message> = {}): Promise<string> {
  const tx = freshTx();
  await wire.expect('W2', { type: 'BEGIN_TX', txId: tx.bytes }, 'TX_BEGUN');
  await wire.expect('W2', stage(tx.bytes, settings, extra), 'STAGED');
  const c = await wire.expect('W2', { type: 'COMMIT', txId: tx.bytes }, 'COMMITTED');
  conform(c.applied, 'W5', () => 'a fresh transaction was answered applied=0');
  return tx.id;
}

/** A SET_CLOCK with an offset outside −720…+840, written byte for byte (the codec refuses to): ERROR 3 with its number. */
async function offsetRefused(wire: Wire, minutes: number): Promise<void> {
  const payload = new Uint8Array(6);
  const view = new DataView(payload.buffer);
  view.setUint32(0, toWireTime(new Date()), true);
  view.setInt16(4, minutes, true);
  const seq = wire.nextSeq();
  const a = await wire.raw('W11', seq, MessageType.SET_CLOCK, payload);
  conform(a.seq === seq, 'W1', () => `SET_CLOCK numbered ${seq} was answered ${said(a)}`);
  conform(
    a.message.type === 'ERROR' && a.message.code === BAD_REQUEST,
    'W11',
    () => `SET_CLOCK with an offset of ${minutes} minutes was answered ${said(a)}, not ERROR 3 numbered ${seq}`,
  );
}

/** The UTC offset (−720…+719) that puts the pump's local time at `minute` of the day at `time`. */
const offsetFor = (time: Date, minute: number): number => {
  const now = time.getUTCHours() * 60 + time.getUTCMinutes();
  const o = (((minute - now) % 1440) + 1440) % 1440;
  return o >= 720 ? o - 1440 : o;
};

export const pumpCases: ConformanceCase[] = [
  {
    items: ['W5', 'W6'],
    name: 'staging changes nothing, COMMIT applies the whole program; ERROR 4 for a transaction not begun or not staged, ERROR 5 for a program the pump cannot run',
    run: (t) =>
      withWire(t, async (wire) => {
        const serial = await openSession(wire);
        const s0 = await readStatus(wire, serial);
        const p1 = wireSettings(anotherProgram(s0.status));
        const [t1, t2] = [freshTx(), freshTx()];
        await wire.refused('W6', stage(t1.bytes, p1), TX_MISMATCH);
        await wire.refused('W6', { type: 'COMMIT', txId: t1.bytes }, TX_MISMATCH);
        await wire.expect('W2', { type: 'BEGIN_TX', txId: t1.bytes }, 'TX_BEGUN');
        await wire.expect('W2', stage(t1.bytes, p1), 'STAGED');
        const s1 = await readStatus(wire, serial);
        conform(
          programText(s1.wire) === programText(s0.wire) && s1.status.lastTransactionId === s0.status.lastTransactionId,
          'W5',
          () => 'staging a program changed what the pump runs',
        );
        // A new BEGIN_TX discards the transaction staged: its COMMIT is a mismatch, nothing applied.
        await wire.expect('W2', { type: 'BEGIN_TX', txId: t2.bytes }, 'TX_BEGUN');
        await wire.refused('W5', { type: 'COMMIT', txId: t1.bytes }, TX_MISMATCH);
        conform(
          programText((await readStatus(wire)).wire) === programText(s0.wire),
          'W5',
          () => 'a discarded stage ran',
        );
        await wire.expect('W2', stage(t2.bytes, p1), 'STAGED');
        const c = await wire.expect('W2', { type: 'COMMIT', txId: t2.bytes }, 'COMMITTED');
        conform(c.applied, 'W5', () => 'the COMMIT of the staged transaction was answered applied=0');
        const s2 = await readStatus(wire, serial);
        conform(
          programText(s2.wire) === programTextOf(p1) && s2.status.lastTransactionId === t2.id,
          'W5',
          () => `after COMMIT the pump runs ${programText(s2.wire)} (last ${s2.status.lastTransactionId ?? 'none'})`,
        );
        const refusals: Array<[string, WireSettings]> = [
          ['a rate above the pump model’s', { ...p1, rateUlPerDay: 100_000 }],
          ['a stopped program with a rate', { ...p1, mode: 0, rateUlPerDay: 300 }],
          ['flex steps not starting at 00:00', { ...p1, mode: 2, steps: [{ startMinute: 60, rateUlPerDay: 300 }] }],
          ['steps in a continuous program', { ...p1, steps: [{ startMinute: 0, rateUlPerDay: 300 }] }],
        ];
        for (const [what, settings] of refusals) {
          const tx = freshTx();
          await wire.expect('W2', { type: 'BEGIN_TX', txId: tx.bytes }, 'TX_BEGUN');
          const a = await wire.ask('W6', stage(tx.bytes, settings));
          conform(
            a.message.type === 'ERROR' && a.message.code === PUMP_REFUSED,
            'W6',
            () => `STAGE_PROGRAM of ${what} was answered ${said(a)}, not ERROR 5`,
          );
        }
        conform(programText((await readStatus(wire)).wire) === programTextOf(p1), 'W5', () => 'a refused program ran');
        await write(wire, wireSettings(programOf(s0.status)));
      }),
  },
  {
    items: ['W4', 'W2'],
    name: 'volumes to the µL (reservoir set at COMMIT, a bridge bolus’s volume left) and times as UTC seconds since 2000',
    run: (t) =>
      withWire(t, async (wire) => {
        const serial = await openSession(wire);
        const s0 = await readStatus(wire, serial);
        const reservoirUl = Math.min(17_051, s0.wire.capacityUl - 949);
        await write(wire, wireSettings(programOf(s0.status)), { reservoirUl, bridge: { volumeUl: 5, durationMin: 1 } });
        const s1 = await readStatus(wire, serial);
        const got = s1.wire.reservoirUl;
        // At most the value set; below it only by the pump's resolution and what ran since (well under 2 µL).
        const resolution = t.reservoirResolutionUl ?? 1;
        conform(
          got <= reservoirUl && got > reservoirUl - resolution - 2,
          'W4',
          () => `the reservoir set to ${reservoirUl} µL reads ${got} µL (resolution ${resolution} µL)`,
        );
        conform(
          s1.status.reservoirVolume.value === exactMl(got),
          'W4',
          () => `the host reads ${got} µL as ${s1.status.reservoirVolume.value} mL`,
        );
        const bridge = s1.wire.bridgeUl;
        conform(
          bridge !== null && bridge <= 5 && bridge >= 3,
          'W4',
          () => `a bridge of 5 µL over a minute reads ${String(bridge)} µL left`,
        );
        const time = toWireTime(new Date());
        const offset = s1.wire.utcOffsetMinutes;
        const sent = Date.now();
        await wire.expect('W2', { type: 'SET_CLOCK', time, utcOffsetMinutes: offset }, 'CLOCK_SET');
        const s2 = await readStatus(wire, serial);
        const elapsed = Math.ceil((Date.now() - sent) / 1000);
        conform(
          s2.wire.pumpTime >= time && s2.wire.pumpTime <= time + elapsed + 1,
          'W4',
          () => `the clock set to ${time} s reads ${s2.wire.pumpTime} s ${elapsed} s later`,
        );
      }),
  },
  {
    items: ['W5'],
    name: 'replay window: a COMMIT or START_BOLUS of any of the last 64 transactions applied is answered applied=0 and changes nothing',
    run: (t) =>
      withWire(t, async (wire) => {
        const serial = await openSession(wire);
        const s0 = await readStatus(wire, serial);
        const pA = wireSettings(anotherProgram(s0.status));
        const a = freshTx();
        await wire.expect('W2', { type: 'BEGIN_TX', txId: a.bytes }, 'TX_BEGUN');
        await wire.expect('W2', stage(a.bytes, pA), 'STAGED');
        await wire.expect('W2', { type: 'COMMIT', txId: a.bytes }, 'COMMITTED');
        // 63 boluses after it: A is the oldest of the last 64 transactions applied.
        const boluses = Array.from({ length: 63 }, () => freshTx());
        for (const b of boluses) {
          const r = await wire.expect(
            'W2',
            { type: 'START_BOLUS', txId: b.bytes, kind: 0, volumeUl: 1, durationMin: 1 },
            'BOLUS_STARTED',
          );
          conform(r.applied, 'W5', () => 'a fresh bolus was answered applied=0');
        }
        const last = boluses.at(-1)?.id;
        const replayed = await wire.expect('W5', { type: 'COMMIT', txId: a.bytes }, 'COMMITTED');
        conform(!replayed.applied, 'W5', () => 'a COMMIT of the transaction 64 back was applied again');
        // Staged afresh with another program, the same id is still not applied.
        await wire.expect('W2', { type: 'BEGIN_TX', txId: a.bytes }, 'TX_BEGUN');
        await wire.expect('W2', stage(a.bytes, wireSettings(programOf(s0.status))), 'STAGED');
        const again = await wire.expect('W5', { type: 'COMMIT', txId: a.bytes }, 'COMMITTED');
        conform(!again.applied, 'W5', () => 'a replayed COMMIT, staged anew, was applied');
        for (const id of [a, boluses[0] ?? a]) {
          const r = await wire.expect(
            'W5',
            { type: 'START_BOLUS', txId: id.bytes, kind: 0, volumeUl: 1, durationMin: 1 },
            'BOLUS_STARTED',
          );
          conform(!r.applied, 'W5', () => `START_BOLUS of the applied ${id.id} was applied again`);
        }
        const s1 = await readStatus(wire, serial);
        conform(
          programText(s1.wire) === programTextOf(pA) && s1.status.lastTransactionId === last,
          'W5',
          () =>
            `after the replays the pump runs ${programText(s1.wire)}, last ${s1.status.lastTransactionId ?? 'none'}`,
        );
        await write(wire, wireSettings(programOf(s0.status)));
      }),
  },
  {
    items: ['W11', 'W2'],
    name: 'the UTC offset of SET_CLOCK: reported in STATUS, flex steps run by clock + offset; one outside −720…+840 is ERROR 3 and changes nothing',
    run: (t) =>
      withWire(t, async (wire) => {
        const serial = await openSession(wire);
        const s0 = await readStatus(wire, serial);
        const rate = (value: string) => ({ value, unit: 'mL/day' as const });
        const flex = wireSettings({
          drug: s0.status.drug,
          concentration: s0.status.concentration,
          mode: 'flex',
          rate: rate('0.3'),
          steps: [
            { start: '00:00', rate: rate('0.3') },
            { start: '12:00', rate: rate('0.35') },
          ],
        });
        await write(wire, flex);
        let offset = 0;
        // Local 06:00 runs the first step, local 18:00 the second, whatever the UTC time.
        for (const [minute, ul] of [
          [360, 300],
          [1080, 350],
        ] as const) {
          const now = new Date();
          offset = offsetFor(now, minute);
          await wire.expect('W2', { type: 'SET_CLOCK', time: toWireTime(now), utcOffsetMinutes: offset }, 'CLOCK_SET');
          const s = await readStatus(wire, serial);
          conform(
            s.wire.utcOffsetMinutes === offset,
            'W11',
            () => `STATUS reports ${s.wire.utcOffsetMinutes}, not ${offset}`,
          );
          conform(
            s.wire.rateUlPerDay === ul,
            'W11',
            () =>
              `at local minute ${minute} (offset ${offset}) the rate field is ${s.wire.rateUlPerDay}, not ${ul} µL/day`,
          );
        }
        for (const minutes of [841, -721, 0x7fff]) await offsetRefused(wire, minutes);
        const s1 = await readStatus(wire, serial);
        conform(
          s1.wire.utcOffsetMinutes === offset,
          'W11',
          () => `a refused offset changed it to ${s1.wire.utcOffsetMinutes}`,
        );
        await wire.expect(
          'W2',
          { type: 'SET_CLOCK', time: toWireTime(new Date()), utcOffsetMinutes: s0.wire.utcOffsetMinutes },
          'CLOCK_SET',
        );
        await write(wire, wireSettings(programOf(s0.status)));
      }),
  },
  {
    items: ['W1', 'W2', 'W3', 'W5'],
    name: 'the project’s driver: interrogate, program with read-back and its replay, bolus and its replay, clock, alarm test, event log',
    run: (t) =>
      withLink(t, async (link) => {
        const must = async <T>(
          what: string,
          r: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>,
        ) => {
          const x = await r;
          conform(x.ok, 'driver', () => `${what}: ${x.ok ? '' : x.error.message}`);
          return x.value;
        };
        const s0 = await must('interrogate', link.interrogate());
        const programWrite = { sessionId: randomUUID(), transactionId: randomUUID(), settings: anotherProgram(s0) };
        const first = await must('program', link.program(programWrite));
        const back = await must('read-back', link.interrogate());
        const differ = compareReadBack(programWrite, back);
        conform(first.applied && differ.length === 0, 'W5', () => `read-back: ${JSON.stringify(differ)}`);
        conform(
          !(await must('program again', link.program(programWrite))).applied,
          'W5',
          () => 'the same write applied twice',
        );
        const bolus = { transactionId: randomUUID(), kind: 'single' as const, volumeMl: '0.001', durationMinutes: 1 };
        const b1 = await must('bolus', link.startBolus(bolus));
        const b2 = await must('bolus again', link.startBolus(bolus));
        conform(b1.applied && !b2.applied, 'W5', () => `bolus applied ${b1.applied}, its replay ${b2.applied}`);
        await must('setClock', link.setClock({ time: new Date(), utcOffsetMinutes: s0.utcOffsetMinutes ?? 0 }));
        await must('alarmTest', link.alarmTest());
        const events = await must('readEvents', link.readEvents());
        conform(
          events.at(-1)?.code === 'ALARM_TEST',
          'W8',
          () => `the newest event is ${events.at(-1)?.code ?? 'none'}`,
        );
        await must('restore', link.program({ ...programWrite, transactionId: randomUUID(), settings: programOf(s0) }));
      }),
  },
  {
    items: ['W8', 'W2'],
    name: 'event log: pages from 0, at most 8 events a page, ERROR 3 past the last page; at most 1024 events (128 pages), the oldest dropped',
    run: async (t) => {
      const pages = await withWire(t, async (wire) => {
        await openSession(wire);
        const first = await wire.expect('W8', { type: 'READ_EVENTS', page: 0 }, 'EVENTS');
        const n = first.pages;
        conform(n >= 1 && n <= 128, 'W8', () => `EVENTS claims ${n} pages`);
        const last = await wire.expect('W8', { type: 'READ_EVENTS', page: n - 1 }, 'EVENTS');
        conform(
          (n === 1 || (first.events.length === 8 && last.events.length >= 1)) && last.pages === n,
          'W8',
          () => `page 0 has ${first.events.length} events, page ${n - 1} ${last.events.length} of ${last.pages} pages`,
        );
        for (const page of [n, 0xffff]) await wire.refused('W8', { type: 'READ_EVENTS', page }, BAD_REQUEST);
        return { n, total: 8 * (n - 1) + last.events.length };
      });
      await withLink(t, async (link) => {
        const events = await link.readEvents();
        conform(
          events.ok && events.value.length === pages.total,
          'W8',
          () =>
            `the driver read ${events.ok ? events.value.length : events.error.message} events, the pages hold ${pages.total}`,
        );
      });
      await t.logEvents(1030);
      await withWire(t, async (wire) => {
        const serial = await openSession(wire);
        const s = await readStatus(wire, serial);
        await wire.expect(
          'W2',
          { type: 'SET_CLOCK', time: toWireTime(new Date()), utcOffsetMinutes: s.wire.utcOffsetMinutes },
          'CLOCK_SET',
        );
        const first = await wire.expect('W8', { type: 'READ_EVENTS', page: 0 }, 'EVENTS');
        conform(first.pages === 128 && first.events.length === 8, 'W8', () => `a full log has ${first.pages} pages`);
        const last = await wire.expect('W8', { type: 'READ_EVENTS', page: 127 }, 'EVENTS');
        const codes = last.events.map((e) => e.code);
        // The newest event (2, clock set) last, after the alarm tests that filled the log (3).
        conform(
          last.events.length === 8 && codes.at(-1) === 2 && codes.at(-2) === 3,
          'W8',
          () => `the last page of a full log holds event codes ${codes.join(', ')}`,
        );
        await wire.refused('W8', { type: 'READ_EVENTS', page: 128 }, BAD_REQUEST);
      });
    },
  },
];
