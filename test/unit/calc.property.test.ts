import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bridgeBolus } from '../../core/calc/bridge';
import { rateForDose } from '../../core/calc/dose';
import { flexSummary, formatMinutes, stepDurations } from '../../core/calc/flex';
import { refillForecast } from '../../core/calc/refill';
import { dec, str } from '../../core/decimal';
import { defaultLibrary } from '../../core/library/defaults';
import { checkDose } from '../../core/library/validate';
import { verdictRank } from '../../core/library/findings';
import { drugs } from '../../core/pump';
import { defaultPumpModel } from '../../core/models';
import { convertMass } from '../../core/units';

/** Positive decimal strings with up to `places` decimals, from 10^-places up to `max`. */
const decimalString = (max: number, places: number) =>
  fc.integer({ min: 1, max: max * 10 ** places }).map((n) => str(dec(n).div(10 ** places)));
const massUnit = fc.constantFrom('mg' as const, 'mcg' as const);
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

const allValues = (value: unknown): string[] =>
  value !== null && typeof value === 'object'
    ? Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
        k === 'value' && typeof v === 'string' ? [v] : allValues(v),
      )
    : [];

describe('dose math properties', () => {
  const model = defaultPumpModel();
  const resolution = dec(model.rateResolutionMlPerDay);

  it('rate × concentration gives back the dose within half the pump resolution', () => {
    fc.assert(
      fc.property(decimalString(2000, 3), decimalString(50000, 4), massUnit, massUnit, (c, d, cMass, dMass) => {
        const r = rateForDose({
          concentration: { value: c, unit: `${cMass}/mL` },
          dailyDose: { value: d, unit: `${dMass}/day` },
        });
        const conc = convertMass(dec(c), cMass, dMass);
        if (!r.ok) {
          // Refused only when the rounded rate is outside what the pump can run.
          const rounded = dec(d).div(conc).div(resolution).toDecimalPlaces(0).mul(resolution);
          expect(r.error.code).toBe('OUT_OF_RANGE');
          expect(rounded.lt(model.minRateMlPerDay) || rounded.gt(model.maxRateMlPerDay)).toBe(true);
          return;
        }
        const rate = dec(r.value.rate.value);
        expect(rate.mul(conc).minus(d).abs().lte(resolution.div(2).mul(conc))).toBe(true);
        expect(r.value.deliveredDailyDose.value).toBe(str(rate.mul(conc)));
      }),
      { numRuns: 2000 },
    );
  });

  it('never produces NaN, Infinity, exponents or negative volumes', () => {
    fc.assert(
      fc.property(
        decimalString(5000, 3),
        decimalString(5000, 3),
        decimalString(5000, 3),
        decimalString(2, 3),
        massUnit,
        (d, c1, c2, v, mass) => {
          const bridge = bridgeBolus({
            dailyDose: { value: d, unit: `${mass}/day` },
            oldConcentration: { value: c1, unit: `${mass}/mL` },
            newConcentration: { value: c2, unit: `${mass}/mL` },
            deadVolume: { value: v, unit: 'mL' },
          });
          const oldRate = dec(d).div(c1).toDecimalPlaces(3);
          const newRate = dec(d).div(c2).toDecimalPlaces(3);
          const runnable = (r: ReturnType<typeof dec>) => r.gte(model.minRateMlPerDay) && r.lte(model.maxRateMlPerDay);
          if (bridge.ok) {
            for (const value of [...allValues(bridge.value), bridge.value.bridgeDurationHours]) {
              expect(value).toMatch(DECIMAL);
              expect(dec(value).isNegative()).toBe(false);
            }
            // Never a rate the pump cannot run.
            expect(runnable(dec(bridge.value.oldRate.value)) && runnable(dec(bridge.value.newRate.value))).toBe(true);
          } else {
            // Only a rate the pump model cannot run is refused, naming which.
            expect(bridge.error).toMatchObject({
              code: 'OUT_OF_RANGE',
              field: runnable(oldRate) ? 'newConcentration.value' : 'oldConcentration.value',
            });
            expect(runnable(oldRate) && runnable(newRate)).toBe(false);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refill forecasts are decimal, non-negative and never after the alarm', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 60 }),
        decimalString(4, 1),
        decimalString(60, 1),
        decimalString(20, 3),
        fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
        (capacity, alarm, fill, rate, stabilityDays) => {
          const r = refillForecast({
            capacity: { value: String(capacity), unit: 'mL' },
            alarmVolume: { value: alarm, unit: 'mL' },
            fillVolume: { value: fill, unit: 'mL' },
            rate: { value: rate, unit: 'mL/day' },
            fillDate: '2026-01-15',
            stabilityDays,
          });
          if (dec(rate).lt(model.minRateMlPerDay)) {
            expect(r).toMatchObject({
              ok: false,
              error: { code: 'OUT_OF_RANGE', field: 'rate.value', key: 'rateBelowPumpMin' },
            });
            return;
          }
          if (capacity > Number(model.capacityMl)) {
            expect(r).toMatchObject({
              ok: false,
              error: { code: 'OUT_OF_RANGE', field: 'capacity.value', key: 'capacityAbovePump' },
            });
            return;
          }
          if (dec(fill).gt(capacity)) {
            expect(r).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE' } });
            return;
          }
          if (dec(alarm).gte(capacity)) {
            expect(r.ok).toBe(false);
            return;
          }
          if (!r.ok) throw new Error(r.error.message);
          expect(r.value.daysToAlarm).toMatch(DECIMAL);
          expect(dec(r.value.daysToAlarm).isNegative()).toBe(false);
          expect(r.value.nextRefillDate <= r.value.alarmDate).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('flex steps always cover exactly 24 hours', () => {
    const schedule = fc
      .uniqueArray(fc.integer({ min: 1, max: 1439 }), { maxLength: 12 })
      .map((starts) => [0, ...starts.sort((a, b) => a - b)]);
    // Rates the pump runs: zero (a stop until the next step) or 0.048 to 24 mL/day in steps of 0.001.
    const runnable = fc.oneof(
      fc.constant('0'),
      fc.integer({ min: 48, max: 24000 }).map((n) => str(dec(n).div(1000))),
    );
    fc.assert(
      fc.property(schedule, fc.array(runnable, { minLength: 13, maxLength: 13 }), (starts, rates) => {
        const steps = starts.map((m, i) => ({
          start: formatMinutes(m),
          rate: { value: rates[i] ?? '1', unit: 'mL/day' as const },
        }));
        const durations = stepDurations(steps);
        if (!durations.ok) throw new Error(durations.error.message);
        expect(durations.value.reduce((sum, s) => sum + s.minutes, 0)).toBe(1440);
        const summary = flexSummary({ concentration: { value: '10', unit: 'mg/mL' }, steps });
        expect(summary.ok).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a flex step is refused exactly when the pump model cannot run it, naming the step', () => {
    const anyRate = fc.oneof(fc.constant('0'), decimalString(30, 4));
    fc.assert(
      fc.property(fc.array(anyRate, { minLength: 1, maxLength: 13 }), (rates) => {
        const steps = rates.map((value, i) => ({
          start: formatMinutes(i * 60),
          rate: { value, unit: 'mL/day' as const },
        }));
        const bad = rates.findIndex(
          (r) =>
            !dec(r).isZero() &&
            (dec(r).lt(model.minRateMlPerDay) || dec(r).gt(model.maxRateMlPerDay) || !dec(r).mod(resolution).isZero()),
        );
        const summary = flexSummary({ concentration: { value: '10', unit: 'mg/mL' }, steps });
        if (bad === -1) expect(summary.ok).toBe(true);
        else
          expect(summary).toMatchObject({
            ok: false,
            error: { code: 'OUT_OF_RANGE', field: `steps.${bad}.rate.value` },
          });
      }),
      { numRuns: 1000 },
    );
  });

  it('mass units round-trip exactly', () => {
    fc.assert(
      fc.property(decimalString(100000, 6), massUnit, massUnit, (v, a, b) => {
        expect(convertMass(convertMass(dec(v), a, b), b, a).eq(v)).toBe(true);
      }),
    );
  });
});

describe('drug library properties', () => {
  it('is monotone: a larger increase is never judged safer', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...drugs),
        fc.constantFrom('cancer' as const, 'non-cancer' as const, undefined),
        decimalString(100, 2),
        decimalString(100, 2),
        decimalString(100, 2),
        (drug, indication, previous, step1, step2) => {
          const entry = defaultLibrary.entries.find((e) => e.drug === drug);
          if (entry === undefined) throw new Error(`no entry for ${drug}`);
          const unit = entry.unit;
          const concentration = { value: entry.concentration.products?.[0] ?? '10', unit: `${unit}/mL` as const };
          // Both doses start at or above every lower bound, so only the size of the increase differs.
          const floor = dec(previous)
            .plus(entry.dailyDose.min?.soft ?? 0)
            .plus(dec(defaultPumpModel().minRateMlPerDay).mul(concentration.value));
          const smaller = floor.plus(step1);
          const larger = smaller.plus(step2);
          const verdict = (d: typeof smaller) => {
            const r = checkDose(defaultLibrary, {
              drug,
              indication,
              concentration,
              dailyDose: { value: str(d), unit: `${unit}/day` },
              previousDailyDose: { value: previous, unit: `${unit}/day` },
            });
            if (!r.ok) throw new Error(r.error.message);
            return verdictRank(r.value.verdict);
          };
          expect(verdict(larger)).toBeGreaterThanOrEqual(verdict(smaller));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
