import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, str } from '../../core/decimal';
import { summarizeProgram, type Infusion, type TherapyProgram } from '../../core/program';
import { drugs, type PumpSettings } from '../../core/pump';
import { formatMinutes } from '../../core/calc/flex';
import { fromWireStatus, toWireStatus } from '../../drivers/protocol/convert';
import { decodeFrame, encodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage } from '../../drivers/protocol/messages';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { manualClock } from './helpers';

const ml = (ul: number) => str(dec(ul).div(1000));
/** Rates the simulated pumps run: 0, or 0.048 … 24 mL/day in steps of 0.001. */
const rateUl = fc.oneof(fc.constant(0), fc.integer({ min: 48, max: 24_000 }));
const concentration = fc.oneof(
  fc
    .integer({ min: 1, max: 100_000_000 })
    .map((ng) => ({ value: str(dec(ng).div(1_000_000)), unit: 'mg/mL' as const })),
  fc.integer({ min: 1, max: 10_000_000 }).map((ng) => ({ value: str(dec(ng).div(1000)), unit: 'mcg/mL' as const })),
);
const steps = fc.uniqueArray(fc.integer({ min: 1, max: 1439 }), { maxLength: 12 }).chain((later) => {
  const starts = [0, ...later.sort((a, b) => a - b)];
  return fc
    .array(rateUl, { minLength: starts.length, maxLength: starts.length })
    .map((rates) =>
      starts.map((m, i) => ({ start: formatMinutes(m), rate: { value: ml(rates[i] ?? 0), unit: 'mL/day' as const } })),
    );
});
// At most 16 µL a minute: a bolus no faster than the pump's 24 mL/day.
const patientBolus = fc
  .record({
    durationMinutes: fc.integer({ min: 1, max: 60 }),
    perMinuteUl: fc.integer({ min: 1, max: 16 }),
    extra: fc.integer({ min: 0, max: 120 }),
    maxPerDay: fc.integer({ min: 0, max: 8 }),
  })
  .map((b) => ({
    volumeMl: ml(b.durationMinutes * b.perMinuteUl),
    durationMinutes: b.durationMinutes,
    lockoutMinutes: b.durationMinutes + b.extra,
    maxPerDay: b.maxPerDay,
  }));

/** A random valid program, as the pump's settings and, built on its own, as the therapy model's program. */
const program = fc
  .record({
    drug: fc.constantFrom(...drugs),
    concentration,
    infusion: fc.oneof(
      fc.constant<Infusion>({ mode: 'stopped' }),
      rateUl.map((r): Infusion => ({ mode: 'continuous', rate: { value: ml(r), unit: 'mL/day' } })),
      steps.map((s): Infusion => ({ mode: 'flex', steps: s })),
    ),
    patientBolus: fc.option(patientBolus, { nil: undefined }),
  })
  .map(({ drug, concentration: c, infusion, patientBolus: b }) => {
    const settings: PumpSettings = {
      drug,
      concentration: c,
      mode: infusion.mode,
      rate:
        infusion.mode === 'continuous'
          ? infusion.rate
          : infusion.mode === 'flex'
            ? (infusion.steps[0]?.rate ?? { value: '0', unit: 'mL/day' })
            : { value: '0', unit: 'mL/day' },
      ...(infusion.mode === 'flex' ? { steps: infusion.steps } : {}),
      ...(b === undefined ? {} : { patientBolus: b }),
    };
    const therapy: TherapyProgram = {
      components: [{ drug, concentration: c }],
      infusion,
      ...(b === undefined
        ? {}
        : {
            patientBolus: {
              volume: { value: b.volumeMl, unit: 'mL' as const },
              durationMinutes: b.durationMinutes,
              lockoutMinutes: b.lockoutMinutes,
              maxPerDay: b.maxPerDay,
            },
          }),
    };
    return { settings, therapy };
  })
  // Valid by the therapy model itself, whatever rules it adds.
  .filter(({ therapy }) => summarizeProgram(therapy).ok);

describe('one daily dose: therapy model, simulated pump and STATUS decoder agree exactly', () => {
  it('for random valid programs (stopped, continuous, flex of 1–13 steps, with or without patient bolus)', () => {
    const clock = manualClock(new Date('2026-03-01T13:37:00Z'));
    fc.assert(
      fc.property(program, fc.integer({ min: 0, max: 86_399 }), ({ settings, therapy }, secondOfDay) => {
        const summary = summarizeProgram(therapy);
        if (!summary.ok) throw new Error(summary.error.message);
        const expected = summary.value.components[0]?.dailyDose;

        const pump = new SimulatedPump(
          { ...defaultSimulatedPump(clock.now()), clockOffsetMs: secondOfDay * 1000, settings },
          clock.now,
        );
        const direct = pump.status();

        const wire = toWireStatus(direct, pump.settings);
        if (!wire.ok) throw new Error(wire.error.message);
        const { type, payload } = encodeMessage({ type: 'STATUS', status: wire.value });
        const frame = decodeFrame(encodeFrame({ seq: 7, type, payload }));
        if (!frame.ok) throw new Error(frame.error.kind);
        const message = decodeMessage(frame.frame.type, frame.frame.payload);
        if (!message.ok || message.message.type !== 'STATUS') throw new Error('not a STATUS');
        const decoded = fromWireStatus(message.message.status);
        if (!decoded.ok) throw new Error(decoded.error.message);

        expect(direct.dailyDose).toEqual(expected);
        expect(decoded.value.dailyDose).toEqual(expected);
        expect(decoded.value.steps).toEqual(settings.steps);
      }),
      { numRuns: 1500 },
    );
  });
});
