import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../core/decimal';
import { FileKeyStore } from '../../db/audit/keys';
import { REPLUG_AFTER_MS } from '../../drivers/simulator/training';
import { trainingPresets, type TrainingPumpState } from '../../drivers/simulator/presets';
import type { BolusWrite } from '../../core/pump';
import type { Result } from '../../core/result';
import { openRuntime, type Runtime } from '../../services/runtime';
import { runtimeFixture } from './runtime-fixture';
import { manualClock, signInThrough, tempDir, TEST_PASSWORD } from './helpers';

const f = runtimeFixture();
const witness = { username: 'dr.chen', password: TEST_PASSWORD };
type Finding = { code: string; level: string; params: Record<string, string> };
type Preview = {
  kind: string;
  volume: { value: string };
  durationMinutes: number;
  rate: { value: string; unit: string };
  doses: Array<{
    drug: string;
    dose: { value: string; unit: string };
    total24hBefore: { value: string; unit: string };
    total24hWith: { value: string; unit: string };
    clinicianBoluses: {
      hours: number;
      count: number;
      before: { value: string; unit: string };
      with: { value: string; unit: string };
    };
  }>;
  earlier: Array<{
    at: string;
    kind: string;
    volume: { value: string };
    durationMinutes: number;
    doses: Array<{ drug: string; dose: { value: string; unit: string } }>;
  }>;
  reservoir: { before: { value: string }; after: { value: string } };
  reviewed: unknown;
  witnessRequired: boolean;
  check: { verdict: string; findings: Finding[] };
};
type Outcome = {
  outcome: string;
  pumpDid: string;
  sessionId: string;
  mismatches: string[];
  volume: { value: string };
  durationMinutes: number;
};
type Status = { lastTransactionId: string | null; rate: { value: string }; reservoirVolume: { value: string } };
type AuditRow = { seq: number; action: string; outcome: string; newJson: string | null; witness: string | null };
const codes = (p: Preview) => p.check.findings.map((x) => `${x.code}:${x.level}`);

/** Dr Li signed in; patient P-1 with the training pump registered (a 40 cm SIM catheter unless told otherwise) and read once. */
async function clinic(
  r: { runtime: Runtime; value: <T>(c: string, i?: unknown) => Promise<T> },
  registration: Record<string, unknown> = { catheterModelId: 'sim-cath', catheterLengthCm: '40' },
) {
  await signInThrough(r.runtime.dispatch, 'dr.li');
  const { id } = await r.value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'cancer',
  });
  await r.value('pumps:register', {
    patientId: id,
    serial: 'SIM000123',
    modelId: 'sim-40',
    implantDate: '2026-01-10',
    ...registration,
  });
  await r.value('pump:interrogate');
}
const statusOf = async () => (await f.value<{ status: Status }>('pump:interrogate')).status;
const auditRows = (runtime: Runtime, action: string): AuditRow[] =>
  runtime.db
    .prepare<[string], AuditRow>(
      'SELECT seq, action, outcome, new_json AS newJson, witness FROM audit_log WHERE action LIKE ? ORDER BY seq',
    )
    .all(`${action}%`);

/** Previews a bolus and gives it as reviewed, with a witness (and a reason, for soft findings). */
async function give(request: Record<string, unknown>, extra: Record<string, unknown> = { witness }) {
  const preview = await f.value<Preview>('bolus:preview', request);
  return f.call('bolus:deliver', { request, reviewed: preview.reviewed, ...extra });
}

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

describe('a priming bolus through the wand', () => {
  it('asks whether the catheter is already primed: if it is, the priming bolus is refused as an overdose', async () => {
    await clinic(f);
    const primed = await f.value<Preview>('bolus:preview', {
      kind: 'priming',
      durationMinutes: 30,
      catheterPrimed: true,
    });
    expect(codes(primed)).toEqual(['PRIMING_CATHETER_PRIMED:hard']);
    const before = await statusOf();
    expect(await give({ kind: 'priming', durationMinutes: 30, catheterPrimed: true })).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT' },
    });
    expect((await statusOf()).lastTransactionId).toBe(before.lastTransactionId);
    // No answer is no answer: the question must be answered.
    expect(await f.call('bolus:preview', { kind: 'priming', durationMinutes: 30 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('fills the tubing and the registered catheter: 0.2 mL + 40 cm × 0.0025 mL/cm = 0.3 mL, and adds nothing to the 24-hour total', async () => {
    await clinic(f);
    const preview = await f.value<Preview>('bolus:preview', {
      kind: 'priming',
      durationMinutes: 30,
      catheterPrimed: false,
    });
    expect(preview).toMatchObject({
      kind: 'priming',
      volume: { value: '0.3' },
      rate: { value: '0.6' },
      check: { verdict: 'ok' },
    });
    expect(preview.doses[0]).toMatchObject({
      dose: { value: '3', unit: 'mg' },
      total24hBefore: { value: '3' },
      total24hWith: { value: '3' },
    });
    // 0.3 mL in 15 min would be 28.8 mL/day: faster than the pump.
    expect(
      codes(await f.value<Preview>('bolus:preview', { kind: 'priming', durationMinutes: 15, catheterPrimed: false })),
    ).toEqual(['CLINICIAN_BOLUS_RATE_ABOVE_MAX:hard']);
    const r = await give({ kind: 'priming', durationMinutes: 30, catheterPrimed: false });
    expect(r).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed', pumpDid: 'started', volume: { value: '0.3' } },
    });
    const events = await f.value<Array<{ code: string; detail: string }>>('pump:events');
    expect(events.some((e) => e.code === 'BOLUS_STARTED' && e.detail.startsWith('priming 0.3 mL over 30 min'))).toBe(
      true,
    );
    expect(JSON.parse(auditRows(f.runtime, 'pump.bolus')[0]?.newJson ?? '{}')).toMatchObject({
      kind: 'priming',
      catheterPrimed: false,
    });
  });

  it('takes the volume from the pump’s registration, never a typed-in number: no catheter registered, no priming bolus', async () => {
    await clinic(f, {});
    expect(
      await f.call('bolus:preview', { kind: 'priming', durationMinutes: 30, catheterPrimed: false }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'catheter' } });
  });
});

/** Moves the manual clock on and signs Dr Li in again (a long pause locks the session). */
async function later(minutes: number) {
  f.clock.advanceMinutes(minutes);
  await f.value('auth:signIn', { username: 'dr.li', password: TEST_PASSWORD });
}
const confirmedBolusCount = () =>
  f.runtime.db
    .prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM programming_sessions WHERE outcome = 'confirmed' AND json_extract(intent_json, '$.bolus') IS NOT NULL",
    )
    .get()?.n;

describe('repeated clinician boluses are added up', () => {
  it('refuses a run of small morphine boluses 11 minutes apart for an opioid-naive patient, and shows the earlier ones and their total', async () => {
    await clinic(f);
    const request = { kind: 'single', dose: '0.5', durationMinutes: 10 };
    expect(codes(await f.value<Preview>('bolus:preview', request))).toEqual([]);
    expect(await give(request)).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    // Five more, each 11 minutes after the last: each is refused, the pump is not touched.
    for (let n = 0; n < 5; n++) {
      await later(11);
      const preview = await f.value<Preview>('bolus:preview', request);
      expect(codes(preview)).toEqual(
        expect.arrayContaining(['CLINICIAN_BOLUS_INTERVAL_BELOW_MIN:hard', 'CLINICIAN_BOLUS_TOTAL_ABOVE_MAX:soft']),
      );
      expect(preview.check.verdict).toBe('hard');
      const before = await statusOf();
      expect(await give(request, { witness, acknowledgement: 'breakthrough pain' })).toMatchObject({
        ok: false,
        error: { code: 'HARD_LIMIT' },
      });
      expect((await statusOf()).lastTransactionId).toBe(before.lastTransactionId);
    }
    expect(confirmedBolusCount()).toBe(1);
    // The review lists the earlier bolus and adds it up.
    const shown = await f.value<Preview>('bolus:preview', request);
    expect(shown.earlier).toEqual([
      expect.objectContaining({
        kind: 'single',
        volume: expect.objectContaining({ value: '0.05' }) as unknown,
        durationMinutes: 10,
        doses: [{ drug: 'morphine', dose: { value: '0.5', unit: 'mg' } }],
      }),
    ]);
    expect(shown.doses[0]?.clinicianBoluses).toEqual({
      hours: 24,
      count: 1,
      before: { value: '0.5', unit: 'mg' },
      with: { value: '1', unit: 'mg' },
    });
    expect(shown.check.findings.find((x) => x.code === 'CLINICIAN_BOLUS_TOTAL_ABOVE_MAX')?.params).toMatchObject({
      hours: '24',
      total: '1',
      count: '2',
      max: '0.5',
      unit: 'mg',
    });
    expect(shown.check.findings.find((x) => x.code === 'CLINICIAN_BOLUS_INTERVAL_BELOW_MIN')?.params).toMatchObject({
      elapsed: '45',
      min: '240',
    });
  });

  it('spaced past the hard interval: a second bolus needs a reason, a third over the 24-hour total is refused', async () => {
    await clinic(f);
    const request = { kind: 'single', dose: '0.5', durationMinutes: 10 };
    expect(await give(request)).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    // 4 h after the first ended: the hard interval is kept, the soft one (24 h) and the soft total (0.5 mg) are not.
    await later(250);
    expect(codes(await f.value<Preview>('bolus:preview', request))).toEqual([
      'CLINICIAN_BOLUS_TOTAL_ABOVE_MAX:soft',
      'CLINICIAN_BOLUS_INTERVAL_BELOW_MIN:soft',
    ]);
    expect(await give(request)).toMatchObject({ ok: false, error: { code: 'ACKNOWLEDGEMENT_REQUIRED' } });
    expect(
      await give(request, { witness, acknowledgement: 'pain not controlled after the first bolus' }),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    await later(250);
    const third = await f.value<Preview>('bolus:preview', request);
    expect(codes(third)).toEqual(['CLINICIAN_BOLUS_TOTAL_ABOVE_MAX:hard', 'CLINICIAN_BOLUS_INTERVAL_BELOW_MIN:soft']);
    expect(third.doses[0]?.clinicianBoluses).toMatchObject({
      count: 2,
      before: { value: '1' },
      with: { value: '1.5' },
    });
    expect(await give(request, { witness, acknowledgement: 'pain' })).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT' },
    });
    expect(confirmedBolusCount()).toBe(2);
    // A day after the first, only the second counts.
    await later(24 * 60 - 500);
    expect((await f.value<Preview>('bolus:preview', request)).doses[0]?.clinicianBoluses).toMatchObject({
      count: 1,
      before: { value: '0.5' },
    });
  });
});

describe('a clinician bolus while another still runs', () => {
  it('is refused, single or priming, until the confirmed one has ended', async () => {
    await clinic(f);
    expect(await give({ kind: 'single', dose: '0.3', durationMinutes: 300 })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
    await later(250);
    const priming = await f.value<Preview>('bolus:preview', {
      kind: 'priming',
      durationMinutes: 30,
      catheterPrimed: false,
    });
    expect(codes(priming)).toEqual(['CLINICIAN_BOLUS_STILL_RUNNING:hard']);
    expect(priming.check.findings[0]?.params).toMatchObject({ volume: '0.03', minutes: '300', left: '50' });
    expect(
      codes(await f.value<Preview>('bolus:preview', { kind: 'single', dose: '0.1', durationMinutes: 10 })),
    ).toContain('CLINICIAN_BOLUS_STILL_RUNNING:hard');
    const before = await statusOf();
    expect(await give({ kind: 'priming', durationMinutes: 30, catheterPrimed: false })).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT' },
    });
    expect((await statusOf()).lastTransactionId).toBe(before.lastTransactionId);
    await later(51);
    expect(
      codes(await f.value<Preview>('bolus:preview', { kind: 'priming', durationMinutes: 30, catheterPrimed: false })),
    ).not.toContain('CLINICIAN_BOLUS_STILL_RUNNING:hard');
  });
});

describe('a priming bolus repeated', () => {
  it('is refused whatever the answer: the catheter this pump primed is primed, and a second priming counts as drug the patient receives', async () => {
    await clinic(f);
    const request = { kind: 'priming', durationMinutes: 30, catheterPrimed: false };
    expect(await give(request)).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    await later(60);
    const again = await f.value<Preview>('bolus:preview', request);
    expect(codes(again)).toEqual(['PRIMING_REPEATED:hard']);
    expect(again.check.findings[0]?.params).toMatchObject({ volume: '0.3', hours: '1' });
    // Into a primed catheter its 3 mg reach the patient: 3 mg/day + 3 mg.
    expect(again.doses[0]).toMatchObject({
      dose: { value: '3' },
      total24hBefore: { value: '3' },
      total24hWith: { value: '6' },
    });
    expect(again.earlier).toEqual([
      expect.objectContaining({ kind: 'priming', volume: expect.objectContaining({ value: '0.3' }) as unknown }),
    ]);
    const before = await statusOf();
    expect(await give(request)).toMatchObject({ ok: false, error: { code: 'HARD_LIMIT' } });
    expect((await statusOf()).lastTransactionId).toBe(before.lastTransactionId);
    // Two days later, with no refill since, the catheter is still primed.
    await later(48 * 60);
    expect(codes(await f.value<Preview>('bolus:preview', request))).toEqual(['PRIMING_REPEATED:hard']);
    expect(confirmedBolusCount()).toBe(1);
  });
});

describe('a clinician bolus into a stopped pump', () => {
  it('asks why the pump is stopped (a reason is required) and holds the 24-hour boluses to the start dose', async () => {
    await f.withPump(trainingPresets['stopped-morphine']);
    await clinic(f);
    const request = { kind: 'single', dose: '0.3', durationMinutes: 10 };
    const preview = await f.value<Preview>('bolus:preview', request);
    expect(codes(preview)).toEqual(['CLINICIAN_BOLUS_PUMP_STOPPED:soft']);
    expect(preview.doses[0]).toMatchObject({ total24hBefore: { value: '0' }, total24hWith: { value: '0.3' } });
    expect(await give(request)).toMatchObject({ ok: false, error: { code: 'ACKNOWLEDGEMENT_REQUIRED' } });
    expect(
      await give(request, { witness, acknowledgement: 'stopped for the MRI; pain before the restart' }),
    ).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });
    // The next, 5 h later: 0.6 mg in 24 h is above the opioid-naive start dose of 0.5 mg/day.
    await later(300);
    const next = await f.value<Preview>('bolus:preview', request);
    expect(codes(next)).toEqual(
      expect.arrayContaining(['CLINICIAN_BOLUS_PUMP_STOPPED:soft', 'CLINICIAN_BOLUS_ABOVE_START_DOSE:soft']),
    );
    expect(next.check.findings.find((x) => x.code === 'CLINICIAN_BOLUS_ABOVE_START_DOSE')?.params).toMatchObject({
      total: '0.6',
      max: '0.5',
      unit: 'mg',
    });
    // A priming bolus into a stopped pump is the usual course after a catheter revision: no stopped finding.
    expect(
      codes(await f.value<Preview>('bolus:preview', { kind: 'priming', durationMinutes: 30, catheterPrimed: false })),
    ).toEqual([]);
  });
});

describe('the wand unplugged while the bolus is sent', () => {
  let opened: { runtime: Runtime; cleanup: () => void } | undefined;
  afterEach(async () => {
    await opened?.runtime.close();
    opened?.cleanup();
    opened = undefined;
  });

  it('records the outcome UNCONFIRMED, blocks programming, and settles it when the pump is read again', async () => {
    const made = tempDir();
    const clock = manualClock();
    const runtime = await openRuntime({
      host: 'web',
      databasePath: join(made.dir, 'db.sqlite'),
      simulator: true,
      now: clock.now,
      simulatorOptions: { clock: clock.now, scenario: 'unplug-during-bolus' },
      keys: new FileKeyStore(join(made.dir, 'keys')),
    });
    opened = { runtime, cleanup: made.cleanup };
    const value = async <T>(channel: string, input: unknown = {}): Promise<T> => {
      const r = await runtime.dispatch(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };
    await clinic({ runtime, value });
    const request = { kind: 'single', dose: '0.3', durationMinutes: 10 };
    const preview = await value<Preview>('bolus:preview', request);
    const r = await runtime.dispatch('bolus:deliver', { request, reviewed: preview.reviewed, witness });
    expect(r).toMatchObject({
      ok: true,
      value: {
        outcome: 'unconfirmed',
        pumpDid: 'unknown',
        mismatches: [expect.stringContaining('read-back failed') as unknown],
      },
    });
    const sessionId = r.ok ? (r.value as Outcome).sessionId : '';
    expect(await value('sessions:unconfirmed')).toEqual([
      expect.objectContaining({ sessionId, pumpSerial: 'SIM000123', outcome: 'unconfirmed' }),
    ]);
    expect(auditRows(runtime, 'pump.bolus').map((x) => `${x.action}:${x.outcome}`)).toEqual([
      'pump.bolus:pending',
      'pump.bolus.outcome:unconfirmed',
    ]);
    // The wand is back after two seconds; until the pump is read, nothing more is sent to it.
    await new Promise((done) => setTimeout(done, REPLUG_AFTER_MS + 200));
    expect(await runtime.dispatch('program:preview', { mode: 'continuous', dailyDose: '3.3' })).toMatchObject({
      ok: false,
      error: { code: 'PROGRAMMING_BLOCKED' },
    });
    expect(await runtime.dispatch('bolus:preview', request)).toMatchObject({
      ok: false,
      error: { code: 'PROGRAMMING_BLOCKED' },
    });
    expect(await runtime.dispatch('bolus:deliver', { request, reviewed: preview.reviewed, witness })).toMatchObject({
      ok: false,
      error: { code: 'PROGRAMMING_BLOCKED' },
    });
    // Reading the pump settles it: the pump had started the bolus.
    await value('pump:interrogate');
    expect(await value('sessions:unconfirmed')).toEqual([]);
    expect(auditRows(runtime, 'pump.bolus').map((x) => `${x.action}:${x.outcome}`)).toEqual([
      'pump.bolus:pending',
      'pump.bolus.outcome:unconfirmed',
      'pump.bolus.resolve.outcome:confirmed',
    ]);
    expect((await value<Preview>('bolus:preview', request)).doses[0]).toMatchObject({
      total24hBefore: { value: '3.3' },
    });
  });
});
