import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { median, type Benchmark } from './harness';
import { APP_DIR, appHost, BASELINE_DIR, launch, ROOT, staticServer } from './renderer-host';

// The renderer's first screen: the JavaScript it loads and the time until it can be used, each
// beside an empty React + antd page. The audit viewer's scrolling is in renderer-audit-viewer.ts.

/** The JavaScript a page loads before it can show anything: its entry script and the modules it preloads. */
function initialScripts(dir: string): string[] {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => join(dir, m[1] ?? ''));
}
const gzippedKb = (files: string[]): number =>
  files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0) / 1024;

function buildBaseline(): void {
  const run = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(ROOT, 'bench', 'baseline', 'vite.config.mjs'),
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`baseline page build failed: ${run.stderr}`);
}

export const bundleBench: Benchmark = {
  name: 'renderer: first screen JS gzipped',
  run() {
    buildBaseline();
    const value = gzippedKb(initialScripts(APP_DIR));
    const baseline = gzippedKb(initialScripts(BASELINE_DIR));
    return Promise.resolve({
      name: this.name,
      value,
      unit: 'KB',
      baselineName: 'empty React + antd page',
      baseline,
      ratio: value / baseline,
      samples: 1,
      target: { value: 400, better: 'lower' },
    });
  },
};

/** Navigation start to the first screen's control being usable, as the page's own clock reads it. */
async function timeToInteractive(page: Page, url: string, selector: string): Promise<number> {
  await page.goto(url.replace('#', `?r=${Math.random()}#`), { waitUntil: 'commit' });
  await page.waitForSelector(selector, { state: 'visible' });
  return page.evaluate<number>('performance.now()');
}

export const ttiBench: Benchmark = {
  name: 'renderer: time to interactive, first screen',
  needsBrowser: true,
  async run({ smoke }) {
    const dir = mkdtempSync(join(tmpdir(), 'pump-bench-'));
    const browser = await launch();
    const baseline = await staticServer(BASELINE_DIR);
    const app = await appHost(dir);
    const count = smoke ? 1 : 15;
    const warm = smoke ? 0 : 2;
    try {
      const appTimes: number[] = [];
      const baseTimes: number[] = [];
      for (let i = 0; i < count + warm; i++) {
        // Fresh pages, no cache; interleaved so both see the same machine; two warm-up rounds.
        const a = await browser.newPage();
        const b = await browser.newPage();
        const ta = await timeToInteractive(a, app.url, '#username:enabled');
        const tb = await timeToInteractive(b, baseline.url, '#ready:enabled');
        if (i >= warm) {
          appTimes.push(ta);
          baseTimes.push(tb);
        }
        await a.close();
        await b.close();
      }
      const value = median(appTimes);
      const base = median(baseTimes);
      return {
        name: this.name,
        value,
        unit: 'ms',
        baselineName: 'empty React + antd page',
        baseline: base,
        ratio: value / base,
        samples: count,
      };
    } finally {
      await browser.close();
      baseline.server.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
