import { describe, expect, it } from 'vitest';
import { singleBolus } from '../../core/calc/bolus';
import { deadVolume, requiredBridges, summarizeProgram, type TherapyProgram } from '../../core/program';
import { diffPrograms } from '../../core/program-diff';
import { defaultPumpModel } from '../../core/models';

const rate = (value: string) => ({ value, unit: 'mL/day' as const });
const morphine10: TherapyProgram = {
  components: [{ drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' } }],
  infusion: { mode: 'continuous', rate: rate('0.3') },
};

const summary = (p: TherapyProgram, extra: Parameters<typeof summarizeProgram>[1] = {}) => {
  const r = summarizeProgram(p, extra);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('therapy program summaries', () => {
  it('gives each drug of an admixture its own daily dose', () => {
    const mix: TherapyProgram = {
      components: [
        { drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' } },
        { drug: 'bupivacaine', concentration: { value: '15', unit: 'mg/mL' } },
        { drug: 'clonidine', concentration: { value: '100', unit: 'mcg/mL' } },
      ],
      infusion: { mode: 'continuous', rate: rate('0.5') },
    };
    expect(summary(mix).components.map((c) => [c.drug, c.dailyDose])).toEqual([
      ['morphine', { value: '5', unit: 'mg/day' }],
      ['bupivacaine', { value: '7.5', unit: 'mg/day' }],
      ['clonidine', { value: '50', unit: 'mcg/day' }],
    ]);
  });

  it('adds every allowed patient bolus to the daily maximum and to the refill forecast', () => {
    const p: TherapyProgram = {
      ...morphine10,
      patientBolus: { volume: { value: '0.02', unit: 'mL' }, durationMinutes: 10, lockoutMinutes: 180, maxPerDay: 4 },
    };
    const s = summary(p, { reservoirVolume: { value: '20', unit: 'mL' }, alarmVolume: { value: '2', unit: 'mL' } });
    expect(s.maxDailyVolume).toEqual({ value: '0.38', unit: 'mL' });
    expect(s.components[0]).toMatchObject({
      bolusDose: { value: '0.2', unit: 'mg' },
      maxDailyDoseWithBoluses: { value: '3.8', unit: 'mg/day' },
    });
    expect(s.daysToAlarm).toBe('47.36'); // 18 / 0.38 = 47.368… rounded down
  });

  it('summarises a flex schedule with its 24-hour total and peak', () => {
    const flex: TherapyProgram = {
      ...morphine10,
      infusion: {
        mode: 'flex',
        steps: [
          { start: '00:00', rate: rate('0.2') },
          { start: '06:00', rate: rate('0.6') },
          { start: '18:00', rate: rate('0.2') },
        ],
      },
    };
    const s = summary(flex);
    expect(s.dailyVolume).toEqual({ value: '0.4', unit: 'mL' });
    expect(s.components[0]).toMatchObject({
      dailyDose: { value: '4', unit: 'mg/day' },
      peakHourlyDose: { value: '0.25', unit: 'mg/h' },
    });
  });

  it.each([
    [
      'a rate below the pump minimum',
      { ...morphine10, infusion: { mode: 'continuous' as const, rate: rate('0.04') } },
      'infusion.rate.value',
    ],
    [
      'a rate finer than the resolution',
      { ...morphine10, infusion: { mode: 'continuous' as const, rate: rate('0.3005') } },
      'infusion.rate.value',
    ],
    [
      'a drug twice',
      { ...morphine10, components: [...morphine10.components, ...morphine10.components] },
      'components.1.drug',
    ],
    [
      'a lockout shorter than the bolus',
      {
        ...morphine10,
        patientBolus: {
          volume: { value: '0.1', unit: 'mL' as const },
          durationMinutes: 30,
          lockoutMinutes: 10,
          maxPerDay: 2,
        },
      },
      'patientBolus.lockoutMinutes',
    ],
    [
      'more boluses than the lockout allows',
      {
        ...morphine10,
        patientBolus: {
          volume: { value: '0.1', unit: 'mL' as const },
          durationMinutes: 10,
          lockoutMinutes: 120,
          maxPerDay: 13,
        },
      },
      'patientBolus.maxPerDay',
    ],
  ])('refuses %s, naming the field', (_name, program, field) => {
    expect(summarizeProgram(program)).toMatchObject({ ok: false, error: { field } });
  });
});

describe('old beside new', () => {
  it('lists every setting with its change and percent', () => {
    const before = summary(morphine10);
    const after = summary({ ...morphine10, infusion: { mode: 'continuous', rate: rate('0.39') } });
    const rows = diffPrograms(before, after);
    expect(rows.find((r) => r.field === 'morphine.dailyDose')).toEqual({
      field: 'morphine.dailyDose',
      old: '3 mg/day',
      new: '3.9 mg/day',
      changed: true,
      percentChange: '30',
    });
    expect(rows.find((r) => r.field === 'morphine.concentration')).toMatchObject({ changed: false });
  });

  it('shows a drug that is added or removed with an empty side', () => {
    const after = summary({
      ...morphine10,
      components: [{ drug: 'hydromorphone', concentration: { value: '2', unit: 'mg/mL' } }],
    });
    const rows = diffPrograms(summary(morphine10), after);
    expect(rows.find((r) => r.field === 'morphine.dailyDose')).toMatchObject({
      old: '3 mg/day',
      new: undefined,
      changed: true,
    });
    expect(rows.find((r) => r.field === 'hydromorphone.dailyDose')).toMatchObject({
      old: undefined,
      new: '0.6 mg/day',
      changed: true,
    });
  });
});

describe('forced bridge bolus', () => {
  it('is required exactly when a concentration changes', () => {
    const baclofen = (c: string, r: string): TherapyProgram => ({
      components: [{ drug: 'baclofen', concentration: { value: c, unit: 'mcg/mL' } }],
      infusion: { mode: 'continuous', rate: rate(r) },
    });
    const dv = deadVolume(defaultPumpModel(), '0.3');
    expect(dv).toEqual({ value: '0.5', unit: 'mL' });
    expect(requiredBridges(baclofen('500', '0.8'), baclofen('500', '0.9'), dv)).toEqual({ ok: true, value: [] });
    expect(requiredBridges(baclofen('500', '0.8'), baclofen('2000', '0.2'), dv)).toEqual({
      ok: true,
      value: [
        {
          drug: 'baclofen',
          bridge: {
            oldRate: rate('0.8'),
            newRate: rate('0.2'),
            bridgeVolume: { value: '0.5', unit: 'mL' },
            bridgeDurationHours: '15',
          },
        },
      ],
    });
  });
});

describe('single bolus', () => {
  it('shows the dose of each drug and the rate', () => {
    expect(
      singleBolus({ volume: { value: '0.1', unit: 'mL' }, durationMinutes: 30, components: morphine10.components }),
    ).toEqual({
      ok: true,
      value: { rateMlPerHour: '0.2', doses: [{ drug: 'morphine', dose: { value: '1', unit: 'mg' } }] },
    });
  });
});
