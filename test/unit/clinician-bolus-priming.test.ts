import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { auditRows, bolusHelpers, clinic, codes, type Preview } from './clinician-bolus-support';

const f = runtimeFixture();
const { statusOf, give, later, confirmedBolusCount } = bolusHelpers(f);

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
