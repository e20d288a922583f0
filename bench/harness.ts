import { writeFileSync } from 'node:fs';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baseline: number;
  /** value / baseline: how many times the baseline this figure is. */
  ratio: number;
  samples: number;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchResult>;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
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

export const formatLine = (r: BenchResult): string =>
  `${r.name.padEnd(44)} ${r.value.toFixed(3).padStart(10)} ${r.unit.padEnd(6)} baseline ${r.baselineName}: ${r.baseline
    .toFixed(3)
    .padStart(9)} ${r.unit.padEnd(6)} ratio ${r.ratio.toFixed(2)}x  (n=${r.samples})`;

export async function runAll(benchmarks: Benchmark[], options: { filter?: string | undefined; json?: string | undefined }): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const b of benchmarks) {
    if (options.filter !== undefined && !b.name.includes(options.filter)) continue;
    const r = await b.run();
    results.push(r);
    process.stdout.write(`${formatLine(r)}\n`);
  }
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  return results;
}
