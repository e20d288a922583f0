import { defaultLibrary } from '../core/library/defaults';
import { checkTherapy, type SafetyInput } from '../core/library/safety';
import { defaultPumpModel } from '../core/models';
import type { TherapyProgram } from '../core/program';
import type { Drug } from '../core/pump';
import { percentile, type Benchmark, type BenchResult } from './harness';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const NOW = Date.parse('2026-03-02T10:00:00Z');

/** Morphine 10 mg/mL + bupivacaine 15 mg/mL + clonidine 150 mcg/mL: one solution, three drugs. */
const components: TherapyProgram['components'] = [
  { drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' } },
  { drug: 'bupivacaine', concentration: { value: '15', unit: 'mg/mL' } },
  { drug: 'clonidine', concentration: { value: '150', unit: 'mcg/mL' } },
];
/** mg or mcg per mL of each component, for the history's daily doses. */
const perMl: ReadonlyArray<{ drug: Drug; perMl: number; unit: 'mg/day' | 'mcg/day' }> = [
  { drug: 'morphine', perMl: 10, unit: 'mg/day' },
  { drug: 'bupivacaine', perMl: 15, unit: 'mg/day' },
  { drug: 'clonidine', perMl: 150, unit: 'mcg/day' },
];

/** The program to send: 13 flex steps (one every 110 minutes from midnight) and a patient bolus. */
const program: TherapyProgram = {
  components,
  infusion: {
    mode: 'flex',
    steps: Array.from({ length: 13 }, (_v, i) => {
      const minutes = i * 110;
      const start = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      return { start, rate: { value: (0.28 + (i % 4) * 0.01).toFixed(2), unit: 'mL/day' as const } };
    }),
  },
  patientBolus: { volume: { value: '0.02', unit: 'mL' }, durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 6 },
};

/** What the pump runs now: the same solution, continuous, a little lower (so this is an increase). */
const RUNNING_RATE = 0.27;
const running: TherapyProgram = {
  components,
  infusion: { mode: 'continuous', rate: { value: RUNNING_RATE.toFixed(2), unit: 'mL/day' } },
};

/**
 * Five years of confirmed programs of this pump, oldest first: a slow titration from 0.1 mL/day
 * with a step back every third change, one program every few days, then dense over the last four
 * weeks (about two a day) and three within the last 24 hours, the last one being what runs now.
 * Each program is one entry per drug, as the service derives them.
 */
function fiveYearHistory(): NonNullable<SafetyInput['history']> {
  const times: number[] = [];
  const start = NOW - 5 * 365 * DAY_MS;
  const denseFrom = NOW - 28 * DAY_MS;
  for (let t = start; t < denseFrom; t += 4 * DAY_MS) times.push(t);
  for (let t = denseFrom; t < NOW - DAY_MS; t += 13 * HOUR_MS) times.push(t);
  times.push(NOW - 20 * HOUR_MS, NOW - 12 * HOUR_MS, NOW - 4 * HOUR_MS);
  const last = times.length - 1;
  return times.flatMap((t, k) => {
    const rate = k === last ? RUNNING_RATE : 0.1 + (RUNNING_RATE - 0.11) * (k / last) - (k % 3 === 0 ? 0.01 : 0);
    return perMl.map((c) => ({
      at: new Date(t).toISOString(),
      drug: c.drug,
      dailyDose: { value: (rate * c.perMl).toFixed(3), unit: c.unit },
    }));
  });
}

const PROGRAMS_MIN = 500;
const TARGET_MS = 1;

/**
 * The one safety check every programming path takes (`checkTherapy`): the therapy model's figures
 * for a 13-step admixture with a patient bolus, each drug against the library, a change from what
 * runs now, and the rolling windows over five years of the pump's history. The baseline is the
 * same check with no history, interleaved with it so both see the same machine.
 */
export const safetyCheckBench: Benchmark = {
  name: 'safety check, 5 years of history (p95)',
  run({ smoke }): Promise<BenchResult> {
    const history = fiveYearHistory();
    const programs = history.length / perMl.length;
    if (programs < PROGRAMS_MIN)
      throw new Error(`the bench history has ${programs} programs, fewer than ${PROGRAMS_MIN}`);
    const model = defaultPumpModel();
    const base = {
      program,
      running,
      patient: { indication: 'cancer', tolerance: 'tolerant' },
      battery: 'ok',
      now: new Date(NOW).toISOString(),
    } as const;
    const withHistory: SafetyInput = { ...base, history };
    const without: SafetyInput = { ...base };

    // The history really reaches the window rules: both runs must succeed, only this one with window findings.
    const full = checkTherapy(defaultLibrary, withHistory, model);
    const bare = checkTherapy(defaultLibrary, without, model);
    if (!full.ok) throw new Error(`safety check failed: ${full.error.message}`);
    if (!bare.ok) throw new Error(`safety check failed: ${bare.error.message}`);
    if (!full.value.findings.some((f) => f.code.startsWith('WINDOW_')))
      throw new Error('the history produced no window finding: the windows were not exercised');
    if (bare.value.findings.some((f) => f.code.startsWith('WINDOW_')))
      throw new Error('a window finding without history');

    const warm = smoke ? 0 : 500;
    const count = smoke ? 1 : 5000;
    const time = (input: SafetyInput): number => {
      const t0 = process.hrtime.bigint();
      const r = checkTherapy(defaultLibrary, input, model);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!r.ok) throw new Error(`safety check failed: ${r.error.message}`);
      return ms;
    };
    for (let i = 0; i < warm; i++) {
      time(withHistory);
      time(without);
    }
    const samples: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < count; i++) {
      samples.push(time(withHistory));
      baseline.push(time(without));
    }
    const value = percentile(samples, 95);
    const b = percentile(baseline, 95);
    return Promise.resolve({
      name: this.name,
      value,
      unit: 'ms',
      baselineName: 'same check, no history',
      baseline: b,
      ratio: value / b,
      samples: count,
      target: { value: TARGET_MS, better: 'lower' },
    });
  },
};
