// Conformance cases of the pump behind the wand: transactions and their atomicity, volumes and
// times on the wire, and the replay window (docs/wand-protocol.md, "Conformance").
import { exactMl, toWireTime, uuidToBytes } from '../../drivers/protocol/convert';
import { WandErrorCode, type WireSettings } from '../../drivers/protocol/messages';
import {
  anotherProgram,
  type ConformanceCase,
  freshTx,
  openSession,
  programOf,
  programText,
  programTextOf,
  readStatus,
  stage,
  wireSettings,
  withWire,
  write,
} from './helpers';
import { conform, said } from './wire';

const { TX_MISMATCH, PUMP_REFUSED } = WandErrorCode;

export const transactionCases: ConformanceCase[] = [
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
        // To the µL: at most the value set, below it only by what ran since, rounded down (well under
        // 2 µL). A pump that reports 0.1 mL steps reads 17 000 µL here and fails.
        conform(
          got <= reservoirUl && got >= reservoirUl - 2,
          'W4',
          () => `the reservoir set to ${reservoirUl} µL reads ${got} µL, not to the µL`,
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
    items: ['W12', 'W9'],
    name: 'asking about a transaction: in a new session, with nothing staged, COMMIT of an applied id is applied=0 and of another id ERROR 4; nothing changes, not even a program staged before the new session',
    run: (t) =>
      withWire(t, async (wire) => {
        const serial = await openSession(wire);
        const s0 = await readStatus(wire, serial);
        const pA = wireSettings(anotherProgram(s0.status));
        const a = await write(wire, pA);
        // A program staged (not committed) in this session; the new session must discard it.
        const staged = freshTx();
        await wire.expect('W2', { type: 'BEGIN_TX', txId: staged.bytes }, 'TX_BEGUN');
        await wire.expect('W2', stage(staged.bytes, wireSettings(programOf(s0.status))), 'STAGED');
        await openSession(wire);
        const asked = await wire.expect('W12', { type: 'COMMIT', txId: uuidToBytes(a) }, 'COMMITTED');
        conform(!asked.applied, 'W12', () => 'a COMMIT asking about an applied transaction was answered applied=1');
        await wire.refused('W12', { type: 'COMMIT', txId: freshTx().bytes }, TX_MISMATCH);
        await wire.refused('W9', { type: 'COMMIT', txId: staged.bytes }, TX_MISMATCH);
        const s1 = await readStatus(wire, serial);
        conform(
          programText(s1.wire) === programTextOf(pA) && s1.status.lastTransactionId === a,
          'W12',
          () =>
            `after the questions the pump runs ${programText(s1.wire)}, last ${s1.status.lastTransactionId ?? 'none'}`,
        );
        await write(wire, wireSettings(programOf(s0.status)));
      }),
  },
];
