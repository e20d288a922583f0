import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, str } from '../../core/decimal';
import { programSchedule } from '../../core/program-schedule';
import { summarizeProgram, type TherapyProgram } from '../../core/program';
import { formatMinutes } from '../../core/calc/flex';

const morphine = (value: string) => ({ drug: 'morphine' as const, concentration: { value, unit: 'mg/mL' as const } });
const rate = (value: string) => ({ value, unit: 'mL/day' as const });

describe('a program’s day as steps (the Finish screen’s schedule)', () => {
  it('gives each flex step its times, rate, dose per day and per hour, and what it delivers', () => {
    // 25 mg/mL: 0.16 mL/day from midnight to 08:00, 0.18 mL/day to midnight.
    const program: TherapyProgram = {
      components: [morphine('25')],
      infusion: {
        mode: 'flex',
        steps: [
          { start: '00:00', rate: rate('0.16') },
          { start: '08:00', rate: rate('0.18') },
        ],
      },
    };
    const r = programSchedule(program);
    expect(r).toEqual({
      ok: true,
      value: [
        {
          start: '00:00',
          end: '08:00',
          rate: rate('0.16'),
          doses: [
            {
              drug: 'morphine',
              dailyDose: { value: '4', unit: 'mg/day' },
              hourlyDose: { value: '0.1667', unit: 'mg/h' },
              stepDose: { value: '1.3333', unit: 'mg' },
            },
          ],
        },
        {
          start: '08:00',
          end: '24:00',
          rate: rate('0.18'),
          doses: [
            {
              drug: 'morphine',
              dailyDose: { value: '4.5', unit: 'mg/day' },
              hourlyDose: { value: '0.1875', unit: 'mg/h' },
              stepDose: { value: '3', unit: 'mg' },
            },
          ],
        },
      ],
    });
  });

  it('makes a continuous program one step over the day, and a stopped pump one step at nothing', () => {
    expect(
      programSchedule({ components: [morphine('10')], infusion: { mode: 'continuous', rate: rate('0.3') } }),
    ).toEqual({
      ok: true,
      value: [
        {
          start: '00:00',
          end: '24:00',
          rate: rate('0.3'),
          doses: [
            {
              drug: 'morphine',
              dailyDose: { value: '3', unit: 'mg/day' },
              hourlyDose: { value: '0.125', unit: 'mg/h' },
              stepDose: { value: '3', unit: 'mg' },
            },
          ],
        },
      ],
    });
    const stopped = programSchedule({ components: [morphine('10')], infusion: { mode: 'stopped' } });
    expect(stopped.ok && stopped.value.map((s) => [s.start, s.end, s.rate.value, s.doses[0]?.stepDose.value])).toEqual([
      ['00:00', '24:00', '0', '0'],
    ]);
  });

  it('refuses a schedule the therapy model refuses, naming the step', () => {
    const r = programSchedule({
      components: [morphine('10')],
      infusion: { mode: 'flex', steps: [{ start: '01:00', rate: rate('0.3') }] },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'steps.0.start' } });
  });

  it('adds up to the summary’s daily dose, and its steps cover the day end to end (random schedules)', () => {
    const schedule = fc
      .uniqueArray(fc.integer({ min: 1, max: 1439 }), { maxLength: 12 })
      .chain((later) =>
        fc.tuple(
          fc.constant([0, ...later.sort((a, b) => a - b)]),
          fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: later.length + 1, maxLength: later.length + 1 }),
          fc.integer({ min: 1, max: 50_000 }),
        ),
      );
    fc.assert(
      fc.property(schedule, ([starts, hundredths, concentrationTenths]) => {
        const program: TherapyProgram = {
          components: [morphine(str(dec(concentrationTenths).div(10)))],
          infusion: {
            mode: 'flex',
            steps: starts.map((m, i) => ({
              start: formatMinutes(m),
              rate: rate(str(dec(hundredths[i] ?? 0).div(100))),
            })),
          },
        };
        const steps = programSchedule(program);
        const summary = summarizeProgram(program);
        if (!summary.ok) return; // a rate the pump cannot run: refused by both
        expect(steps.ok).toBe(true);
        if (!steps.ok) return;
        expect(steps.value.map((s) => s.start)).toEqual(starts.map(formatMinutes));
        expect(steps.value.at(-1)?.end).toBe('24:00');
        for (const [i, s] of steps.value.entries()) if (i > 0) expect(s.start).toBe(steps.value[i - 1]?.end);
        const total = steps.value.reduce((sum, s) => sum.plus(s.doses[0]?.stepDose.value ?? '0'), dec(0));
        // Each step and the total are rounded to 4 places: they differ by at most half a unit of each.
        const slack = dec('0.00005').mul(steps.value.length + 1);
        expect(
          total
            .minus(summary.value.components[0]?.dailyDose.value ?? '0')
            .abs()
            .lte(slack),
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
