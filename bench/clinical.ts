import { spawnSync } from 'node:child_process';
import { CheckInputSchema } from '../core/calc/schemas';
import { dec, str } from '../core/decimal';
import { defaultLibrary } from '../core/library/defaults';
import { checkDose } from '../core/library/validate';
import { summarizeProgram, type TherapyProgram } from '../core/program';
import { median, percentile, timeEach, type Benchmark } from './harness';

const program: TherapyProgram = {
  components: [
    { drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' } },
    { drug: 'bupivacaine', concentration: { value: '15', unit: 'mg/mL' } },
  ],
  infusion: {
    mode: 'flex',
    steps: Array.from({ length: 13 }, (_v, i) => ({
      start: `${String(i).padStart(2, '0')}:00`,
      rate: { value: str(dec('0.2').plus(dec(i).mul('0.01'))), unit: 'mL/day' as const },
    })),
  },
  patientBolus: { volume: { value: '0.02', unit: 'mL' }, durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 6 },
};

const checkInput = {
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  dailyDose: { value: '4.1', unit: 'mg/day' },
  previousDailyDose: { value: '3.5', unit: 'mg/day' },
  indication: 'cancer',
};

/** What the programming screen does on each keystroke: parse, summarise a 13-step admixture, check. */
export const validateProgramBench: Benchmark = {
  name: 'validate a full program (p95)',
  run({ smoke }) {
    const count = smoke ? 1 : 5000;
    const full = () => {
      const parsed = CheckInputSchema.parse(checkInput);
      const summary = summarizeProgram(program);
      const verdict = checkDose(defaultLibrary, parsed);
      if (!summary.ok || !verdict.ok) throw new Error('validation failed');
      return Promise.resolve();
    };
    const parseOnly = () => {
      CheckInputSchema.parse(checkInput);
      return Promise.resolve();
    };
    return (async () => {
      await timeEach(smoke ? 0 : 500, full);
      const samples = await timeEach(count, full);
      const baseline = await timeEach(count, parseOnly);
      const value = percentile(samples, 95);
      const base = percentile(baseline, 95);
      return {
        name: this.name,
        value,
        unit: 'ms',
        baselineName: 'input schema parse alone',
        baseline: base,
        ratio: value / base,
        samples: count,
      };
    })();
  },
};

export const cliStartBench: Benchmark = {
  name: 'pumpctl calc rate, one call (median)',
  run({ smoke }) {
    const input = JSON.stringify({
      concentration: { value: '25', unit: 'mcg/mL' },
      dailyDose: { value: '1.2', unit: 'mcg/day' },
    });
    const count = smoke ? 1 : 15;
    const time = (args: string[]) => {
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { input, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const calc: number[] = [];
    const bare: number[] = [];
    if (!smoke) time(['bin/pumpctl.cjs', 'calc', 'rate']);
    for (let i = 0; i < count; i++) {
      // Interleaved, so both see the same machine load.
      calc.push(time(['bin/pumpctl.cjs', 'calc', 'rate']));
      bare.push(time(['-e', '0']));
    }
    const value = median(calc);
    const baseline = median(bare);
    return Promise.resolve({
      name: this.name,
      value,
      unit: 'ms',
      baselineName: 'node -e 0',
      baseline,
      ratio: value / baseline,
      samples: count,
    });
  },
};
