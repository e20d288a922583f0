import { writeFileSync } from 'node:fs';
import { findBrowser, NO_BROWSER } from '../scripts/browser.mjs';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baseline: number;
  /** value / baseline: how many times the baseline this figure is. */
  ratio: number;
  samples: number;
  /** The figure this benchmark should reach: at most `value` (lower is better) or at least. */
  target?: { value: number; better: 'lower' | 'higher' } | undefined;
}

export interface RunOptions {
  /** Every benchmark once at its smallest size: proves each runs, measures nothing worth comparing. */
  smoke: boolean;
}

export interface Benchmark {
  name: string;
  /** Drives a Chromium: not run in smoke mode when none is found. */
  needsBrowser?: boolean;
  run(options: RunOptions): Promise<BenchResult>;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** The value below which `p` percent of the samples lie (nearest rank). */
export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Runs `fn` `count` times, alternating with nothing else, and returns each duration in ms. */
export async function timeEach(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return out;
}

export const targetMet = (r: BenchResult): boolean | undefined =>
  r.target === undefined
    ? undefined
    : r.target.better === 'lower'
      ? r.value <= r.target.value
      : r.value >= r.target.value;

export const formatLine = (r: BenchResult, options: RunOptions = { smoke: false }): string => {
  const line = `${r.name.padEnd(44)} ${r.value.toFixed(3).padStart(10)} ${r.unit.padEnd(6)} baseline ${r.baselineName}: ${r.baseline
    .toFixed(3)
    .padStart(9)} ${r.unit.padEnd(6)} ratio ${r.ratio.toFixed(2)}x  (n=${r.samples})`;
  if (r.target === undefined) return line;
  const target = `target ${r.target.better === 'lower' ? '<=' : '>='} ${String(r.target.value)} ${r.unit}`;
  return `${line}  ${target}: ${options.smoke ? 'not judged in smoke mode' : targetMet(r) === true ? 'met' : 'MISSED'}`;
};

export async function runAll(
  benchmarks: Benchmark[],
  options: { filter?: string | undefined; json?: string | undefined; smoke?: boolean | undefined },
): Promise<BenchResult[]> {
  const run: RunOptions = { smoke: options.smoke === true };
  let selected = benchmarks.filter((b) => options.filter === undefined || b.name.includes(options.filter));
  const withBrowser = selected.filter((b) => b.needsBrowser === true);
  if (withBrowser.length > 0 && findBrowser() === undefined) {
    // A full run exists to print every figure: say so before spending minutes on the others.
    if (!run.smoke)
      throw new Error(
        `${NO_BROWSER} The renderer benchmarks need one (${withBrowser.map((b) => b.name).join('; ')}); set PUMP_BROWSER or use --filter`,
      );
    process.stdout.write(`${NO_BROWSER} Not run: ${withBrowser.map((b) => b.name).join('; ')}\n`);
    selected = selected.filter((b) => b.needsBrowser !== true);
  }
  const results: BenchResult[] = [];
  for (const b of selected) {
    const r = await b.run(run);
    results.push(r);
    process.stdout.write(`${formatLine(r, run)}\n`);
  }
  const missed = run.smoke ? [] : results.filter((r) => targetMet(r) === false);
  if (missed.length > 0) process.stdout.write(`missed target: ${missed.map((r) => r.name).join('; ')}\n`);
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}
