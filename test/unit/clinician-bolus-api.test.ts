import { describe, expect, it } from 'vitest';
import { dec } from '../../core/decimal';
import { trainingPresets, type TrainingPumpState } from '../../drivers/simulator/presets';
import type { BolusWrite } from '../../core/pump';
import type { Result } from '../../core/result';
import { runtimeFixture } from './runtime-fixture';
import { TEST_PASSWORD } from './helpers';
import {
  auditRows,
  bolusHelpers,
  clinic,
  codes,
  witness,
  type AuditRow,
  type Preview,
} from './clinician-bolus-support';

const f = runtimeFixture();
const { statusOf, give } = bolusHelpers(f);

describe('a clinician single bolus through the wand', () => {
  it('is for physicians only: a nurse can neither review nor give one, and nothing reaches the pump', async () => {
    await clinic(f);
    const before = await statusOf();
    await f.value('auth:signIn', { username: 'nurse.wang', password: TEST_PASSWORD });
    expect(await f.call('bolus:preview', { kind: 'single', dose: '0.3', durationMinutes: 10 })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await f.call('bolus:deliver', {
        request: { kind: 'single', dose: '0.3', durationMinutes: 10 },
        reviewed: {
          mode: 'continuous',
          rate: '0.3',
          drug: 'morphine',
          concentration: '10 mg/mL',
          lastTransactionId: null,
        },
        witness,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect((await statusOf()).lastTransactionId).toBe(before.lastTransactionId);
    expect(auditRows(f.runtime, 'pump.bolus')).toEqual([]);
  });

  it('reviews the dose, volume, rate and the 24-hour total with the bolus, then gives it: intent recorded first, the pump started it, read back', async () => {
    await clinic(f);
    // Morphine 10 mg/mL at 0.3 mL/day is 3 mg/day; 0.3 mg is 0.03 mL, over 10 min 0.18 mL/h.
    const preview = await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.3', durationMinutes: 10 });
    expect(preview).toMatchObject({
      kind: 'single',
      volume: { value: '0.03' },
      durationMinutes: 10,
      rate: { value: '0.18', unit: 'mL/h' },
      witnessRequired: true,
      check: { verdict: 'ok' },
    });
    expect(preview.doses).toEqual([
      {
        drug: 'morphine',
        dose: { value: '0.3', unit: 'mg' },
        total24hBefore: { value: '3', unit: 'mg/day' },
        total24hWith: { value: '3.3', unit: 'mg/day' },
        clinicianBoluses: {
          hours: 24,
          count: 0,
          before: { value: '0', unit: 'mg' },
          with: { value: '0.3', unit: 'mg' },
        },
      },
    ]);
    expect(preview.earlier).toEqual([]);
    expect(preview.reservoir.after.value).toBe(dec(preview.reservoir.before.value).minus('0.03').toString());

    // What the audit trail and the sessions hold at the moment the command goes to the pump.
    const link = f.runtime.link;
    const start = link.startBolus.bind(link);
    const atCommand: { audit: AuditRow[]; sessions: number; write?: BolusWrite } = { audit: [], sessions: 0 };
    link.startBolus = async (write: BolusWrite): Promise<Result<{ applied: boolean }>> => {
      atCommand.audit = auditRows(f.runtime, 'pump.bolus');
      atCommand.sessions =
        f.runtime.db
          .prepare<[], { n: number }>("SELECT count(*) AS n FROM programming_sessions WHERE outcome = 'pending'")
          .get()?.n ?? 0;
      atCommand.write = write;
      return start(write);
    };
    const r = await f.call('bolus:deliver', {
      request: { kind: 'single', dose: '0.3', durationMinutes: 10 },
      reviewed: preview.reviewed,
      witness,
    });
    expect(r).toMatchObject({
      ok: true,
      value: {
        outcome: 'confirmed',
        pumpDid: 'started',
        mismatches: [],
        volume: { value: '0.03' },
        durationMinutes: 10,
      },
    });
    expect(atCommand.write).toMatchObject({ kind: 'single', volumeMl: '0.03', durationMinutes: 10 });
    expect(atCommand.audit).toEqual([
      expect.objectContaining({ action: 'pump.bolus', outcome: 'pending', witness: 'dr.chen' }),
    ]);
    expect(JSON.parse(atCommand.audit[0]?.newJson ?? '{}')).toMatchObject({
      kind: 'single',
      transactionId: atCommand.write?.transactionId,
      doses: [{ drug: 'morphine', dose: { value: '0.3' } }],
    });
    expect(atCommand.sessions).toBe(1);
    // Afterwards: the outcome after the intent, and the pump names the bolus as its last transaction.
    const rows = auditRows(f.runtime, 'pump.bolus');
    expect(rows.map((x) => `${x.action}:${x.outcome}`)).toEqual(['pump.bolus:pending', 'pump.bolus.outcome:confirmed']);
    const status = await statusOf();
    expect(status.lastTransactionId).toBe(atCommand.write?.transactionId);
    expect(status.rate.value).toBe('0.3');
    const events = await f.value<Array<{ code: string; detail: string }>>('pump:events');
    expect(events.filter((e) => e.code === 'BOLUS_STARTED').map((e) => e.detail)).toEqual([
      `single 0.03 mL over 10 min (tx ${atCommand.write?.transactionId ?? ''})`,
    ]);
    // A bolus is not a program: the pump is not listed as stopped, and the next bolus counts this one.
    const next = await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.3', durationMinutes: 10 });
    expect(next.doses[0]).toMatchObject({ total24hBefore: { value: '3.3' }, total24hWith: { value: '3.6' } });
    // A day later it no longer counts.
    f.clock.advanceMinutes(24 * 60 + 1);
    await f.value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
    expect(
      (await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.3', durationMinutes: 10 })).doses[0],
    ).toMatchObject({ total24hBefore: { value: '3' } });
  });

  it('needs a witness, like a dose increase: without one it is refused and recorded, and nothing is sent', async () => {
    await clinic(f);
    const before = await statusOf();
    expect(await give({ kind: 'single', dose: '0.3', durationMinutes: 10 }, {})).toMatchObject({
      ok: false,
      error: { code: 'WITNESS_REQUIRED' },
    });
    // The physician cannot witness their own bolus.
    expect(
      await give(
        { kind: 'single', dose: '0.3', durationMinutes: 10 },
        { witness: { username: 'dr.li', password: TEST_PASSWORD } },
      ),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await statusOf()).lastTransactionId).toBe(before.lastTransactionId);
    expect(auditRows(f.runtime, 'pump.bolus').map((x) => `${x.action}:${x.outcome}`)).toEqual(['pump.bolus:rejected']);
    expect(f.runtime.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM programming_sessions').get()?.n).toBe(0);
  });

  it('refuses a bolus faster than the pump can deliver, and names the shortest duration', async () => {
    await clinic(f);
    // 0.05 mL over 1 min is 72 mL/day on a 24 mL/day pump; 3 min is the shortest.
    const fast = await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.5', durationMinutes: 1 });
    expect(fast.check.findings).toEqual([
      expect.objectContaining({
        code: 'CLINICIAN_BOLUS_RATE_ABOVE_MAX',
        level: 'hard',
        params: expect.objectContaining({ rate: '72', maxRate: '24', shortest: '3' }) as unknown,
      }),
    ]);
    expect(await give({ kind: 'single', dose: '0.5', durationMinutes: 1 })).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT' },
    });
    expect(codes(await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.5', durationMinutes: 3 }))).toEqual(
      [],
    );
  });

  it('holds hydromorphone to its clinician-bolus limit: soft above 0.1 mg, hard above 0.2 mg', async () => {
    await f.withPump({
      drug: 'hydromorphone',
      concentration: { value: '2', unit: 'mg/mL' },
      rate: { value: '0.3', unit: 'mL/day' },
    });
    await clinic(f);
    expect(
      codes(await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.1', durationMinutes: 10 })),
    ).toEqual([]);
    const soft = await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.15', durationMinutes: 10 });
    expect(codes(soft)).toEqual(['CLINICIAN_BOLUS_DOSE_ABOVE_MAX:soft']);
    expect(await give({ kind: 'single', dose: '0.15', durationMinutes: 10 })).toMatchObject({
      ok: false,
      error: { code: 'ACKNOWLEDGEMENT_REQUIRED' },
    });
    const hard = await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.3', durationMinutes: 10 });
    expect(codes(hard)).toEqual(['CLINICIAN_BOLUS_DOSE_ABOVE_MAX:hard']);
    const before = await statusOf();
    expect(
      await give(
        { kind: 'single', dose: '0.3', durationMinutes: 10 },
        { witness, acknowledgement: 'breakthrough pain' },
      ),
    ).toMatchObject({ ok: false, error: { code: 'HARD_LIMIT' } });
    expect((await statusOf()).lastTransactionId).toBe(before.lastTransactionId);
    // With a reason the soft one is given.
    expect(
      await give(
        { kind: 'single', dose: '0.15', durationMinutes: 10 },
        { witness, acknowledgement: 'breakthrough pain after the revision' },
      ),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
  });

  it('counts the bolus into the 24-hour dose against the daily ceiling', async () => {
    // Morphine 10 mg/mL at 1.48 mL/day is 14.8 mg/day, under the soft ceiling of 15 mg/day.
    await f.withPump({ rate: { value: '1.48', unit: 'mL/day' }, reservoirMl: '20' });
    await clinic(f);
    const preview = await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.5', durationMinutes: 10 });
    expect(preview.doses[0]).toMatchObject({ total24hBefore: { value: '14.8' }, total24hWith: { value: '15.3' } });
    expect(preview.check.findings).toEqual([
      expect.objectContaining({
        code: 'BOLUS_DAILY_TOTAL_ABOVE_MAX',
        level: 'soft',
        params: expect.objectContaining({ dose: '15.3', max: '15' }) as unknown,
      }),
    ]);
  });

  it('gives no bolus of ziconotide', async () => {
    await f.withPump(trainingPresets['ziconotide-titration']);
    await clinic(f);
    const preview = await f.value<Preview>('bolus:preview', { kind: 'single', dose: '1', durationMinutes: 30 });
    expect(codes(preview)).toContain('CLINICIAN_BOLUS_NOT_ALLOWED:hard');
    expect(
      await give({ kind: 'single', dose: '1', durationMinutes: 30 }, { witness, acknowledgement: 'screening' }),
    ).toMatchObject({ ok: false, error: { code: 'HARD_LIMIT' } });
  });

  it('refuses a bolus the reservoir cannot give', async () => {
    await f.withPump({ reservoirMl: '2.5' } satisfies TrainingPumpState);
    await clinic(f);
    expect(
      codes(await f.value<Preview>('bolus:preview', { kind: 'single', dose: '30', durationMinutes: 300 })),
    ).toContain('BOLUS_RESERVOIR_INSUFFICIENT:hard');
    // 0.6 mL leaves 1.9 mL, below the alarm at 2 mL.
    expect(
      codes(await f.value<Preview>('bolus:preview', { kind: 'single', dose: '6', durationMinutes: 60 })),
    ).toContain('BOLUS_RESERVOIR_BELOW_ALARM:soft');
    expect(
      codes(await f.value<Preview>('bolus:preview', { kind: 'single', dose: '4', durationMinutes: 60 })),
    ).not.toContain('BOLUS_RESERVOIR_BELOW_ALARM:soft');
  });
});
