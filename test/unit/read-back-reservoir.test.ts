import { describe, expect, it } from 'vitest';
import { dec } from '../../core/decimal';
import type { ProgramWrite, PumpStatus } from '../../core/pump';
import { insertSession, setSessionOutcome } from '../../db/queries/sessions';
import { interrogate } from '../../services/interrogation';
import { performRefill } from '../../services/refill';
import { compareReadBack, lowestReservoir } from '../../services/read-back';
import { clock, doctor, nurse, recordsFixture, refillVisit } from './records-support';

// The reservoir a refill sets is read back to the µL: the pump may only have delivered, since the
// write was sent, what the new program's fastest rate and the bridge bolus account for.

const write = (settings: ProgramWrite['settings'], over: Partial<ProgramWrite> = {}): ProgramWrite => ({
  sessionId: 's',
  transactionId: 't',
  settings,
  reservoirVolumeMl: '20',
  ...over,
});
/** What a pump running exactly the written program reports, with this reservoir. */
const status = (w: ProgramWrite, reservoir: string, over: Partial<PumpStatus> = {}) =>
  ({
    ...w.settings,
    rate: w.settings.mode === 'flex' ? (w.settings.steps?.[0]?.rate ?? w.settings.rate) : w.settings.rate,
    lastTransactionId: 't',
    reservoirVolume: { value: reservoir, unit: 'mL' },
    ...over,
  }) as PumpStatus;

describe('the least reservoir a pump that took the write can report', () => {
  it('baclofen flex: the fastest step over the time since the send, and the µL the pump rounds down', () => {
    const baclofen: ProgramWrite['settings'] = {
      drug: 'baclofen',
      concentration: { value: '2000', unit: 'mcg/mL' },
      mode: 'flex',
      rate: { value: '0.1', unit: 'mL/day' },
      steps: [
        { start: '00:00', rate: { value: '0.1', unit: 'mL/day' } },
        { start: '08:00', rate: { value: '0.864', unit: 'mL/day' } },
        { start: '20:00', rate: { value: '0.2', unit: 'mL/day' } },
      ],
    };
    // 0.864 mL/day for 10 s is 0.1 µL.
    expect(lowestReservoir(write(baclofen), status(write(baclofen), '20'), 10_000).toString()).toBe('19.9989');
    expect(compareReadBack(write(baclofen), status(write(baclofen), '19.999'), 10_000)).toEqual([]);
    // 0.1 mL short: a fill the pump did not set as sent (accepted before, within 0.2 mL).
    expect(compareReadBack(write(baclofen), status(write(baclofen), '19.9'), 10_000).map((m) => m.key)).toEqual([
      'readBackReservoir',
    ]);
    // More than was set is never accepted.
    expect(compareReadBack(write(baclofen), status(write(baclofen), '20.001'), 10_000).map((m) => m.key)).toEqual([
      'readBackReservoir',
    ]);
  });

  it('hydromorphone with a bridge bolus: what the bridge delivered is read from what it has left', () => {
    const hydromorphone: ProgramWrite['settings'] = {
      drug: 'hydromorphone',
      concentration: { value: '10', unit: 'mg/mL' },
      mode: 'continuous',
      rate: { value: '0.2', unit: 'mL/day' },
    };
    const w = write(hydromorphone, { bridge: { volumeMl: '0.5', durationMinutes: 60 } });
    const running = (left: string) => ({ bridge: { remaining: { value: left, unit: 'mL' as const } } });
    // The bridge has 0.49 mL left: 0.01 mL went, so 19.99 less the basal's 0.023 µL over 10 s and a µL
    // for each rounded figure (the reservoir, the bridge left).
    expect(lowestReservoir(w, status(w, '19.99', running('0.49')), 10_000).toFixed(6)).toBe('19.987977');
    expect(compareReadBack(w, status(w, '19.988', running('0.49')), 10_000)).toEqual([]);
    expect(compareReadBack(w, status(w, '19.95', running('0.49')), 10_000).map((m) => m.key)).toEqual([
      'readBackReservoir',
    ]);
  });

  it('patient boluses the program allows (one possibly running at the write) count: STATUS does not report them', () => {
    const withPtm: ProgramWrite['settings'] = {
      drug: 'hydromorphone',
      concentration: { value: '10', unit: 'mg/mL' },
      mode: 'continuous',
      rate: { value: '0.2', unit: 'mL/day' },
      patientBolus: { volumeMl: '0.05', durationMinutes: 10, lockoutMinutes: 60, maxPerDay: 4 },
    };
    const w = write(withPtm);
    // 10 s: one bolus (0.05 mL) besides the basal's 0.023 µL and the µL of rounding.
    expect(lowestReservoir(w, status(w, '20'), 10_000).toFixed(6)).toBe('19.948977');
    expect(compareReadBack(w, status(w, '19.95'), 10_000)).toEqual([]);
    // Three hours: four grants (one every hour from the write, the lockout), not more than the day's four.
    expect(lowestReservoir(w, status(w, '20'), 3 * 3_600_000).toFixed(6)).toBe('19.774000');
    expect(lowestReservoir(w, status(w, '20'), 10 * 3_600_000).toFixed(6)).toBe('19.715667');
  });

  it('a stopped pump delivers nothing: only the µL of rounding', () => {
    const stopped: ProgramWrite['settings'] = {
      drug: 'ziconotide',
      concentration: { value: '25', unit: 'mcg/mL' },
      mode: 'stopped',
      rate: { value: '0', unit: 'mL/day' },
    };
    expect(lowestReservoir(write(stopped), status(write(stopped), '20'), 3_600_000).toString()).toBe('19.999');
  });
});

const f = recordsFixture();
const v = refillVisit(f);

/** The pump sets every fill this much short of what it was sent. */
const fillsShort = (ml: string) => {
  const send = v.link.program.bind(v.link);
  v.link.program = (w) =>
    send({
      ...w,
      reservoirVolumeMl: dec(w.reservoirVolumeMl ?? '0')
        .minus(ml)
        .toString(),
    });
};
/** The reading after a write comes this many minutes after it (the pump delivering meanwhile). */
const readBackAfterMinutes = (minutes: number) => {
  const read = v.link.interrogate.bind(v.link);
  const send = v.link.program.bind(v.link);
  let sent = false;
  v.link.program = async (w) => {
    const r = await send(w);
    sent = true;
    return r;
  };
  v.link.interrogate = async (signal) => {
    if (sent) clock.advanceMinutes(minutes);
    return read(signal);
  };
};

describe('a refill whose reservoir the pump did not set as sent', () => {
  it('is UNCONFIRMED when the pump reports 0.1 mL less than the fill', async () => {
    fillsShort('0.1');
    const expected = v.link.pump.status().reservoirVolume.value;
    const r = await performRefill(v.programmingDeps(), v.request({ withdrawnMl: expected }));
    expect(r.ok && r.value.outcome).toBe('unconfirmed');
    const outcome = f.db
      .prepare("SELECT new_json FROM audit_log WHERE action LIKE '%outcome%' ORDER BY seq DESC LIMIT 1")
      .pluck()
      .get() as string;
    expect(outcome).toContain('reservoir: 37.9 mL read back, 38 mL sent');
  });

  it('is confirmed when the read-back comes ten minutes after the send, the pump having delivered meanwhile', async () => {
    readBackAfterMinutes(10); // 0.3 mL/day for 10 minutes: about 2 µL delivered before the reading
    const expected = v.link.pump.status().reservoirVolume.value;
    const r = await performRefill(v.programmingDeps(), v.request({ withdrawnMl: expected }));
    expect(r.ok && r.value.outcome).toBe('confirmed');
    expect(v.link.pump.status().reservoirVolume.value).not.toBe('38.0');
  });

  const lastOutcome = () =>
    JSON.parse(
      f.db
        .prepare(
          "SELECT new_json FROM audit_log WHERE action = 'pump.program.resolve.outcome' ORDER BY seq DESC LIMIT 1",
        )
        .pluck()
        .get() as string,
    ) as { changedSince?: string[]; reservoirNotAsSent?: boolean };

  it('settled at the next interrogation, it is applied, and the record says the reservoir is not what was sent', async () => {
    fillsShort('0.1');
    const expected = v.link.pump.status().reservoirVolume.value;
    const r = await performRefill(v.programmingDeps(), v.request({ withdrawnMl: expected }));
    expect(r.ok && r.value.outcome).toBe('unconfirmed');
    clock.advanceMinutes(30);
    const read = await interrogate({ ...v.programmingDeps(), actor: nurse.username, role: nurse.role });
    expect(read.ok).toBe(true);
    const settled = lastOutcome();
    expect(settled.reservoirNotAsSent).toBe(true);
    expect(settled.changedSince).toContainEqual(
      expect.stringMatching(/^reservoir: 37\.89\d* mL read back, 38 mL sent/),
    );
  });

  it('a fill set as sent whose acknowledgement was lost is settled a day later without a reservoir finding', async () => {
    v.link.writeFault = 'ack-lost';
    const expected = v.link.pump.status().reservoirVolume.value;
    const r = await performRefill(v.programmingDeps(), v.request({ withdrawnMl: expected }));
    v.link.writeFault = 'none';
    v.link.unplugged = false; // the wand plugged in again
    expect(r.ok && r.value.outcome).toBe('unconfirmed');
    clock.advanceDays(1);
    const read = await interrogate({ ...v.programmingDeps(), actor: nurse.username, role: nurse.role });
    expect(read.ok ? 'read' : read.error.message).toBe('read');
    const settled = lastOutcome();
    expect(settled.reservoirNotAsSent).toBeUndefined();
    expect(v.link.pump.status().reservoirVolume.value).not.toBe('38.0'); // it drained meanwhile
  });

  /** A clinician bolus this host gave on the pump (its confirmed session), running on the pump. */
  const bolusGiven = (volumeMl: string, durationMinutes: number) => {
    const transactionId = `bolus-${clock.now().getTime()}`;
    const s = v.link.pump.status();
    const at = clock.now().toISOString();
    const seq = f.audit.append({ atUtc: at, actor: doctor.username, action: 'pump.bolus', outcome: 'pending' }).seq;
    const id = insertSession(f.db, {
      sessionUuid: `s-${transactionId}`,
      pumpSerial: v.link.pump.serial,
      startedAt: at,
      actor: doctor.username,
      witness: nurse.username,
      // As the bolus path writes it: the program the pump runs, and the bolus on top of it.
      intentJson: JSON.stringify({
        transactionId,
        settings: { drug: s.drug, concentration: s.concentration, mode: s.mode, rate: s.rate },
        bolus: { kind: 'single', volumeMl, durationMinutes },
      }),
      intentAuditSeq: seq,
    });
    setSessionOutcome(f.db, id, 'confirmed', at, seq);
    v.link.pump.startBolus({ transactionId, kind: 'single', volumeMl, durationMinutes });
  };

  it('a refill while the clinician bolus this host gave 5 minutes before still runs is confirmed', async () => {
    bolusGiven('0.1', 60);
    clock.advanceMinutes(5);
    readBackAfterMinutes(10); // the bolus delivers about 17 µL meanwhile, the basal 2
    const expected = v.link.pump.status().reservoirVolume.value;
    const r = await performRefill(v.programmingDeps(), v.request({ withdrawnMl: expected }));
    expect(r.ok && r.value.outcome).toBe('confirmed');
  });

  it('a fill 0.2 mL short is found when settled, though the workstation clock was 10 days slow at the write', async () => {
    const slow = () => new Date(clock.now().getTime() - 10 * 86_400_000);
    fillsShort('0.2');
    v.link.writeFault = 'ack-lost';
    const expected = v.link.pump.status().reservoirVolume.value;
    const r = await performRefill({ ...v.programmingDeps(), now: slow }, v.request({ withdrawnMl: expected }));
    expect(r.ok && r.value.outcome).toBe('unconfirmed');
    v.link.writeFault = 'none';
    v.link.unplugged = false;
    // Two days later, the workstation's clock corrected: by its clock the write was 12 days ago,
    // by the pump's 2 days (0.6 mL at 0.3 mL/day, well short of the 0.2 mL missing plus that).
    clock.advanceDays(2);
    const read = await interrogate({ ...v.programmingDeps(), actor: nurse.username, role: nurse.role });
    expect(read.ok ? 'read' : read.error.message).toBe('read');
    expect(lastOutcome().reservoirNotAsSent).toBe(true);
  });
});
