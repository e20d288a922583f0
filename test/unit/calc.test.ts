import { describe, expect, it } from 'vitest';
import { bridgeBolus } from '../../core/calc/bridge';
import { minimumDeliverableDose, percentChange, rateForDose } from '../../core/calc/dose';
import { morphineEquivalence } from '../../core/calc/equivalence';
import { flexSummary } from '../../core/calc/flex';
import { primingBolus } from '../../core/calc/priming';
import { refillForecast, type RefillInput } from '../../core/calc/refill';
import { addDays } from '../../core/calc/dates';
import { dec } from '../../core/decimal';
import { defaultPumpModel, findCatheterModel, findPumpModel } from '../../core/models';
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

describe('flex schedules', () => {
  const c = { value: '10', unit: 'mg/mL' as const };
  it('sums each step over its hours and reports the peak hourly dose', () => {
    const r = flexSummary({
      concentration: c,
      steps: [
        { start: '00:00', rate: perDay('0.2') },
        { start: '08:00', rate: perDay('0.5') },
        { start: '20:00', rate: perDay('0.2') },
      ],
    });
    // 0.2 × 8/24 + 0.5 × 12/24 + 0.2 × 4/24 = 0.35 mL; × 10 mg/mL = 3.5 mg/day; peak 0.5 × 10 / 24.
    expect(r).toEqual({
      ok: true,
      value: {
        dailyVolume: mL('0.35'),
        dailyDose: { value: '3.5', unit: 'mg/day' },
        peakHourlyDose: { value: '0.2083', unit: 'mg/h' },
      },
    });
  });

  it.each([
    ['a first step after midnight', [{ start: '01:00', rate: perDay('1') }], 'steps.0.start'],
    [
      'an overlap',
      [
        { start: '00:00', rate: perDay('1') },
        { start: '06:00', rate: perDay('1') },
        { start: '06:00', rate: perDay('2') },
      ],
      'steps.2.start',
    ],
    [
      'steps out of order',
      [
        { start: '00:00', rate: perDay('1') },
        { start: '12:00', rate: perDay('1') },
        { start: '06:00', rate: perDay('2') },
      ],
      'steps.2.start',
    ],
    [
      'a time that does not exist',
      [
        { start: '00:00', rate: perDay('1') },
        { start: '24:00', rate: perDay('1') },
      ],
      'steps.1.start',
    ],
    ['no steps', [], 'steps'],
    [
      '14 steps',
      Array.from({ length: 14 }, (_v, i) => ({ start: `${String(i).padStart(2, '0')}:00`, rate: perDay('1') })),
      'steps',
    ],
  ])('refuses %s with the field named', (_name, steps, field) => {
    expect(flexSummary({ concentration: c, steps })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field },
    });
  });
});

describe('refill forecast', () => {
  const base: RefillInput = {
    capacity: mL('20'),
    alarmVolume: mL('2'),
    fillVolume: mL('20'),
    rate: perDay('0.3'),
    fillDate: '2026-03-01',
  };

  it('counts days to the alarm assuming every patient bolus is taken', () => {
    expect(refillForecast(base)).toEqual({
      ok: true,
      value: { daysToAlarm: '60', alarmDate: '2026-04-30', nextRefillDate: '2026-04-30', limitingFactor: 'alarm' },
    });
    const withBoluses = refillForecast({ ...base, maxBolusVolumePerDay: perDay('0.1') });
    expect(withBoluses).toMatchObject({ ok: true, value: { daysToAlarm: '45', alarmDate: '2026-04-15' } });
  });

  it('rounds days down, never promising a later alarm', () => {
    // 18 / 0.7 = 25.714… days → 25.71, alarm after 25 whole days.
    expect(refillForecast({ ...base, rate: perDay('0.7') })).toMatchObject({
      ok: true,
      value: { daysToAlarm: '25.71', alarmDate: '2026-03-26' },
    });
  });

  it('takes the earliest of alarm, stability and battery, and says which', () => {
    expect(refillForecast({ ...base, stabilityDays: 45 })).toMatchObject({
      ok: true,
      value: { nextRefillDate: '2026-04-15', limitingFactor: 'stability' },
    });
    expect(refillForecast({ ...base, stabilityDays: 90, replaceByDate: '2026-04-01' })).toMatchObject({
      ok: true,
      value: { nextRefillDate: '2026-04-01', limitingFactor: 'battery' },
    });
  });

  it('flags a discrepancy above 1 mL in a 20 mL pump and above 2 mL in a larger one', () => {
    const small = refillForecast({ ...base, expectedResidual: mL('4.2'), withdrawnVolume: mL('2.9') });
    expect(small).toMatchObject({ ok: true, value: { discrepancy: mL('1.3'), discrepancyFlag: true } });
    const large = refillForecast({
      ...base,
      capacity: mL('40'),
      expectedResidual: mL('4.2'),
      withdrawnVolume: mL('2.9'),
    });
    expect(large).toMatchObject({ ok: true, value: { discrepancy: mL('1.3'), discrepancyFlag: false } });
    const negative = refillForecast({
      ...base,
      capacity: mL('40'),
      expectedResidual: mL('3'),
      withdrawnVolume: mL('5.5'),
    });
    expect(negative).toMatchObject({ ok: true, value: { discrepancy: mL('-2.5'), discrepancyFlag: true } });
  });

  it('refuses an overfill beyond the reservoir capacity', () => {
    expect(refillForecast({ ...base, fillVolume: mL('20.5') })).toMatchObject({
      ok: false,
      error: { code: 'OUT_OF_RANGE', field: 'fillVolume.value' },
    });
  });

  it('refuses half a discrepancy pair and impossible dates', () => {
    expect(refillForecast({ ...base, expectedResidual: mL('3') })).toMatchObject({
      ok: false,
      error: { field: 'withdrawnVolume' },
    });
    expect(refillForecast({ ...base, fillDate: '2026-02-30' })).toMatchObject({
      ok: false,
      error: { field: 'fillDate' },
    });
  });

  it('adds days across month and leap-year ends in UTC', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('priming bolus', () => {
  const pump = findPumpModel('sim-40');
  const catheter = findCatheterModel('sim-cath');
  it('takes its volume from the pump and catheter model data and warns', () => {
    if (pump === undefined || catheter === undefined) throw new Error('model table incomplete');
    const r = primingBolus({
      pump,
      catheter,
      implantedLengthCm: '60',
      concentration: { value: '500', unit: 'mcg/mL' },
      bolusRateMlPerHour: '0.5',
    });
    // 0.2 mL tubing + 0.0025 mL/cm × 60 cm = 0.35 mL; at 0.5 mL/h = 0.7 h; 0.35 × 500 = 175 mcg.
    expect(r).toEqual({
      ok: true,
      value: {
        volume: mL('0.35'),
        durationHours: '0.7',
        drugInBolus: { value: '175', unit: 'mcg' },
        warning: 'DRUG_REACHES_PATIENT_BEFORE_END',
      },
    });
    expect(
      primingBolus({
        pump,
        catheter,
        implantedLengthCm: '500',
        concentration: { value: '500', unit: 'mcg/mL' },
        bolusRateMlPerHour: '0.5',
      }),
    ).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE' } });
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
