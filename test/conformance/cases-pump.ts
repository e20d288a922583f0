// Conformance cases of the pump behind the wand: the UTC offset and flex schedule, the project's
// driver end to end, a pump without a clock, and the event log (docs/wand-protocol.md, "Conformance").
import { randomUUID } from 'node:crypto';
import { toWireTime } from '../../drivers/protocol/convert';
import { ALARM_CODES, MessageType, WandErrorCode, type WireStatus } from '../../drivers/protocol/messages';
import { compareReadBack } from '../../services/read-back';
import {
  flexOf,
  anotherProgram,
  type ConformanceCase,
  freshTx,
  openSession,
  programOf,
  readStatus,
  stage,
  wireSettings,
  withLink,
  withWire,
  write,
} from './helpers';
import { conform, said, type Wire } from './wire';

const { BAD_REQUEST, PUMP_REFUSED } = WandErrorCode;
const CLOCK_LOST = ALARM_CODES.indexOf('CLOCK_LOST');

/** The clock-lost alarms a STATUS reports, for a failure message. */
const clockAlarms = (w: WireStatus): string => JSON.stringify(w.alarms.filter((a) => a.code === CLOCK_LOST));

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
    items: ['W11', 'W2'],
    name: 'the UTC offset of SET_CLOCK: reported in STATUS, flex steps run by clock + offset; one outside −720…+840 is ERROR 3 and changes nothing',
    run: (t) =>
      withWire(t, async (wire) => {
        const serial = await openSession(wire);
        const s0 = await readStatus(wire, serial);
        const flex = flexOf(s0.status, [
          ['00:00', '0.3'],
          ['12:00', '0.35'],
        ]);
        // A pump without a clock refuses a flex program (W14): the clock is set first.
        await wire.expect('W2', { type: 'SET_CLOCK', time: toWireTime(new Date()), utcOffsetMinutes: 0 }, 'CLOCK_SET');
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
    items: ['W14', 'W2'],
    name: 'a pump without a clock: STATUS time 0 and alarm 6 since 0, a flex program run at its mean rate, a new one refused (ERROR 5) and SET_CLOCK time 0 refused (ERROR 5); SET_CLOCK gives the clock back and clears the alarm',
    run: async (t) => {
      let clockBack = false;
      try {
        await withWire(t, async (wire) => {
          const serial = await openSession(wire);
          const s0 = await readStatus(wire, serial);
          const offset = s0.wire.utcOffsetMinutes;
          const flex = (first: string, second: string) =>
            flexOf(s0.status, [
              ['00:00', first],
              ['12:00', second],
            ]);
          // 0.3 mL/day for 12 hours and 0.35 for 12: a mean of 325 µL/day, neither step's rate. Written
          // with the clock set first: the pump may have had none when the case began.
          await wire.expect(
            'W2',
            { type: 'SET_CLOCK', time: toWireTime(new Date()), utcOffsetMinutes: offset },
            'CLOCK_SET',
          );
          await write(wire, flex('0.3', '0.35'));
          await t.loseClock();
          const s1 = await readStatus(wire, serial);
          conform(
            s1.wire.pumpTime === 0,
            'W14',
            () => `a pump without a clock reports time ${s1.wire.pumpTime}, not 0`,
          );
          conform(
            s1.wire.alarms.some((a) => a.code === CLOCK_LOST && a.since === 0),
            'W14',
            () => `a pump without a clock reports the clock-lost alarms ${clockAlarms(s1.wire)}, not one since 0`,
          );
          conform(
            s1.wire.rateUlPerDay === 325,
            'W14',
            () =>
              `a flex program of 300 and 350 µL/day without a clock runs at ${s1.wire.rateUlPerDay}, not the mean 325`,
          );
          conform(
            s1.wire.utcOffsetMinutes === offset,
            'W14',
            () => `losing the clock changed the UTC offset to ${s1.wire.utcOffsetMinutes} from ${offset}`,
          );
          // A new flex program is refused at STAGE_PROGRAM; nothing changes.
          const tx = freshTx();
          const another = flex('0.28', '0.32');
          await wire.expect('W2', { type: 'BEGIN_TX', txId: tx.bytes }, 'TX_BEGUN');
          const a = await wire.ask('W14', stage(tx.bytes, another));
          conform(
            a.message.type === 'ERROR' && a.message.code === PUMP_REFUSED,
            'W14',
            () => `STAGE_PROGRAM of a flex program to a pump without a clock was answered ${said(a)}, not ERROR 5`,
          );
          // Time 0 sets no clock.
          await wire.refused('W14', { type: 'SET_CLOCK', time: 0, utcOffsetMinutes: offset }, PUMP_REFUSED);
          const s2 = await readStatus(wire, serial);
          conform(
            s2.wire.pumpTime === 0 && s2.wire.alarms.some((x) => x.code === CLOCK_LOST),
            'W14',
            () =>
              `after SET_CLOCK time 0 was refused the pump reports time ${s2.wire.pumpTime}, alarms ${clockAlarms(s2.wire)}`,
          );
          conform(
            s2.wire.rateUlPerDay === 325 && s2.status.lastTransactionId === s1.status.lastTransactionId,
            'W14',
            () => 'a refused flex program changed what the pump runs',
          );
          const time = toWireTime(new Date());
          const sent = Date.now();
          await wire.expect('W2', { type: 'SET_CLOCK', time, utcOffsetMinutes: offset }, 'CLOCK_SET');
          const s3 = await readStatus(wire, serial);
          clockBack = s3.wire.pumpTime !== 0;
          const elapsed = Math.ceil((Date.now() - sent) / 1000);
          conform(
            s3.wire.pumpTime >= time && s3.wire.pumpTime <= time + elapsed + 1,
            'W14',
            () => `the clock set to ${time} s on a pump without one reads ${s3.wire.pumpTime} s ${elapsed} s later`,
          );
          conform(
            !s3.wire.alarms.some((x) => x.code === CLOCK_LOST),
            'W14',
            () => `SET_CLOCK left the clock-lost alarms ${clockAlarms(s3.wire)}`,
          );
          // With its clock the pump takes the flex program it refused.
          await wire.expect('W2', { type: 'BEGIN_TX', txId: tx.bytes }, 'TX_BEGUN');
          await wire.expect('W14', stage(tx.bytes, another), 'STAGED');
          await write(wire, wireSettings(programOf(s0.status)));
        });
      } finally {
        // The cases after this one need a pump with its clock, whatever happened here.
        if (!clockBack)
          await withWire(t, async (wire) => {
            await openSession(wire);
            const { wire: s } = await readStatus(wire);
            await wire.ask('W14', {
              type: 'SET_CLOCK',
              time: toWireTime(new Date()),
              utcOffsetMinutes: s.utcOffsetMinutes,
            });
          }).catch(() => undefined);
      }
    },
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
