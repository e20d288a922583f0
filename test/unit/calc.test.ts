import { describe, expect, it } from 'vitest';
import { bridgeBolus } from '../../core/calc/bridge';
import { minimumDeliverableDose, percentChange, rateForDose } from '../../core/calc/dose';
import { morphineEquivalence } from '../../core/calc/equivalence';
import { flexSummary } from '../../core/calc/flex';
import { refillForecast, type RefillInput } from '../../core/calc/refill';
import { dec } from '../../core/decimal';
import { defaultPumpModel } from '../../core/models';
import { rateBreach } from '../../core/calc/limits';
import { validateProgram } from '../../core/program';

const mL = (value: string) => ({ value, unit: 'mL' as const });
const perDay = (value: string) => ({ value, unit: 'mL/day' as const });

describe('worked examples from docs/calculations.md', () => {
  it('ziconotide at 25 mcg/mL cannot go below 1.2 mcg/day (0.048 mL/day)', () => {
    expect(minimumDeliverableDose({ value: '25', unit: 'mcg/mL' })).toEqual({ value: '1.2', unit: 'mcg/day' });
    expect(
      rateForDose({ concentration: { value: '25', unit: 'mcg/mL' }, dailyDose: { value: '1.2', unit: 'mcg/day' } }),
    ).toEqual({
      ok: true,
      value: { rate: perDay('0.048'), deliveredDailyDose: { value: '1.2', unit: 'mcg/day' } },
    });
  });

  it('baclofen 500 → 2000 mcg/mL at 400 mcg/day: bridge the 0.5 mL dead volume at the old rate', () => {
    const bridge = bridgeBolus({
      dailyDose: { value: '400', unit: 'mcg/day' },
      oldConcentration: { value: '500', unit: 'mcg/mL' },
      newConcentration: { value: '2000', unit: 'mcg/mL' },
      deadVolume: mL('0.5'),
    });
    expect(bridge).toEqual({
      ok: true,
      value: { oldRate: perDay('0.8'), newRate: perDay('0.2'), bridgeVolume: mL('0.5'), bridgeDurationHours: '15' },
    });
    // Without the bridge: 0.5 mL of 500 mcg/mL pushed at the new 0.2 mL/day = 100 mcg/day for 2.5 days.
    expect(dec('0.2').mul(500).toString()).toBe('100');
    expect(dec('0.5').div('0.2').toString()).toBe('2.5');
  });

  it('60 mcg/hour entered where 60 mcg/day was meant shows as a 24-fold daily dose', () => {
    // 60 mcg/day at 500 mcg/mL is 0.12 mL/day; 60 mcg/h is 2.88 mL/day.
    const meant = flexSummary({
      concentration: { value: '500', unit: 'mcg/mL' },
      steps: [{ start: '00:00', rate: perDay('0.12') }],
    });
    const entered = flexSummary({
      concentration: { value: '500', unit: 'mcg/mL' },
      steps: [{ start: '00:00', rate: perDay('2.88') }],
    });
    expect(meant).toMatchObject({
      ok: true,
      value: { dailyDose: { value: '60', unit: 'mcg/day' }, peakHourlyDose: { value: '2.5', unit: 'mcg/h' } },
    });
    expect(entered).toMatchObject({
      ok: true,
      value: { dailyDose: { value: '1440', unit: 'mcg/day' }, peakHourlyDose: { value: '60', unit: 'mcg/h' } },
    });
  });
});

describe('rate for a dose', () => {
  it('rounds to the pump resolution and shows the dose actually delivered', () => {
    const r = rateForDose({ concentration: { value: '3', unit: 'mg/mL' }, dailyDose: { value: '1', unit: 'mg/day' } });
    expect(r).toEqual({
      ok: true,
      value: { rate: perDay('0.333'), deliveredDailyDose: { value: '0.999', unit: 'mg/day' } },
    });
  });

  it('converts between mg and mcg exactly and answers in the dose’s unit', () => {
    const r = rateForDose({
      concentration: { value: '2', unit: 'mg/mL' },
      dailyDose: { value: '500', unit: 'mcg/day' },
    });
    expect(r).toEqual({
      ok: true,
      value: { rate: perDay('0.25'), deliveredDailyDose: { value: '500', unit: 'mcg/day' } },
    });
  });

  it('refuses a zero concentration, naming the field', () => {
    expect(
      rateForDose({ concentration: { value: '0', unit: 'mg/mL' }, dailyDose: { value: '1', unit: 'mg/day' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'concentration.value' },
    });
  });
});

describe('display-only equivalence and percent change', () => {
  it('converts 300 mg/day oral morphine to about 1 mg/day intrathecal, marked display-only', () => {
    expect(morphineEquivalence('oral', { value: '300', unit: 'mg/day' })).toMatchObject({
      displayOnly: true,
      parenteral: { value: '100', unit: 'mg/day' },
      intrathecal: { value: '1', unit: 'mg/day' },
    });
  });

  it('computes percent changes to 0.1 % and leaves a change from zero undefined', () => {
    expect(percentChange(dec('4'), dec('6'))).toBe('50');
    expect(percentChange(dec('3'), dec('1'))).toBe('-66.7');
    expect(percentChange(dec('0'), dec('1'))).toBeUndefined();
  });

  it('has a default pump model with the reference minimum rate', () => {
    expect(defaultPumpModel().minRateMlPerDay).toBe('0.048');
  });
});

describe('the pump model’s rate limits: one definition for the app and pumpctl', () => {
  const model = defaultPumpModel();
  it.each([
    ['0.01', 'rateBelowPumpMin', '0.048'],
    ['50', 'rateAbovePumpMax', '24'],
    ['0.2005', 'rateNotPumpStep', '0.001'],
  ])('%s mL/day: the therapy model and calc flex refuse it by the same name', (rate, key, limit) => {
    const program = validateProgram(
      {
        components: [{ drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' } }],
        infusion: { mode: 'continuous', rate: perDay(rate) },
      },
      model,
    );
    expect(program).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', key, params: { rate, limit }, field: 'infusion.rate.value' },
    });
    const flex = flexSummary(
      {
        concentration: { value: '10', unit: 'mg/mL' },
        steps: [
          { start: '00:00', rate: perDay('0.2') },
          { start: '06:00', rate: perDay(rate) },
        ],
      },
      model,
    );
    expect(flex).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE', key, params: { rate, limit }, field: 'steps.1.rate.value' },
    });
    expect(rateBreach(dec(rate), model, { resolution: true })).toBe(key);
  });

  it('a flex step at zero stops delivery and is allowed; the refill forecast takes zero with patient boluses', () => {
    expect(
      flexSummary(
        {
          concentration: { value: '10', unit: 'mg/mL' },
          steps: [
            { start: '00:00', rate: perDay('0') },
            { start: '12:00', rate: perDay('0.2') },
          ],
        },
        model,
      ),
    ).toMatchObject({ ok: true, value: { dailyVolume: mL('0.1') } });
    const base: RefillInput = {
      capacity: mL('40'),
      alarmVolume: mL('2'),
      fillVolume: mL('38'),
      rate: perDay('0'),
      fillDate: '2026-03-01',
      maxBolusVolumePerDay: perDay('0.5'),
    };
    expect(refillForecast(base, model)).toMatchObject({ ok: true, value: { daysToAlarm: '72' } });
    expect(refillForecast({ ...base, rate: perDay('0.001') }, model)).toMatchObject({
      ok: false,
      error: { key: 'rateBelowPumpMin', field: 'rate.value' },
    });
    expect(refillForecast({ ...base, rate: perDay('100') }, model)).toMatchObject({
      ok: false,
      error: { key: 'rateAbovePumpMax', field: 'rate.value' },
    });
  });

  it('a bridge is never answered with a rate the pump cannot run: 1 mcg/day from 500 to 2000 mcg/mL', () => {
    const bridge = bridgeBolus(
      {
        dailyDose: { value: '1', unit: 'mcg/day' },
        oldConcentration: { value: '500', unit: 'mcg/mL' },
        newConcentration: { value: '2000', unit: 'mcg/mL' },
        deadVolume: mL('0.5'),
      },
      model,
    );
    expect(bridge).toMatchObject({
      ok: false,
      error: {
        code: 'OUT_OF_RANGE',
        key: 'rateBelowPumpMin',
        field: 'oldConcentration.value',
        params: { rate: '0.002', limit: '0.048' },
      },
    });
  });
});
