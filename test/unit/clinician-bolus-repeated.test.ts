import { describe, expect, it } from 'vitest';
import { trainingPresets } from '../../drivers/simulator/presets';
import { runtimeFixture } from './runtime-fixture';
import { bolusHelpers, clinic, codes, witness, type Preview } from './clinician-bolus-support';

const f = runtimeFixture();
const { statusOf, give, later, confirmedBolusCount } = bolusHelpers(f);

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
