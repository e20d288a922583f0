import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FileKeyStore } from '../db/audit/keys';
import { createFirstAdmin, createUser } from '../services/auth/accounts';
import { openRuntime, type Runtime } from '../services/runtime';
import { startWebHost } from '../web/server';
import { findBrowser, NO_BROWSER } from '../scripts/browser.mjs';
import { median, type Benchmark, type RunOptions } from './harness';

const ROOT = resolve(__dirname, '..', '..');
const APP_DIR = join(ROOT, 'out', 'renderer');
const BASELINE_DIR = join(ROOT, 'out', 'bench-baseline');
const PASSWORD = 'bench passphrase 1';

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

function staticServer(dir: string): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')));
    const file = path.endsWith('/') || path === dir ? join(dir, 'index.html') : path;
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () =>
      r({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server }),
    ),
  );
}

const launch = (): Promise<Browser> => {
  const executablePath = findBrowser();
  if (executablePath === undefined) throw new Error(NO_BROWSER);
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
};

/** An app runtime with users (and optionally a long audit trail) behind the real web host. */
async function appHost(
  dir: string,
  auditRecords = 0,
): Promise<{ url: string; runtime: Runtime; close: () => Promise<void> }> {
  const keys = new FileKeyStore(join(dir, 'keys'));
  const runtime = await openRuntime({ host: 'web', databasePath: join(dir, 'app.sqlite'), simulator: true, keys });
  const deps = { db: runtime.db, audit: runtime.audit, now: () => new Date() };
  const admin = await createFirstAdmin(deps, { username: 'admin', displayName: 'Admin', password: PASSWORD });
  if (!admin.ok) throw new Error(admin.error.message);
  await createUser(deps, admin.value, {
    username: 'dr.li',
    displayName: 'Dr Li',
    password: PASSWORD,
    role: 'physician',
  });
  for (let done = 0; done < auditRecords; done += 5000) {
    runtime.audit.commit(() => {
      for (let i = done; i < Math.min(auditRecords, done + 5000); i++) {
        runtime.audit.append({
          atUtc: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
          actor: 'dr.li',
          role: 'physician',
          patientId: 'P-0001',
          pumpSerial: 'SIM000123',
          action: 'pump.interrogate',
          new: { n: i },
          outcome: 'confirmed',
        });
      }
    });
  }
  const host = await startWebHost({
    dispatch: runtime.dispatch,
    rendererDir: APP_DIR,
    bridgeFile: join(ROOT, 'dist', 'web', 'pump-api.js'),
    port: 0,
    hostname: '127.0.0.1',
  });
  return {
    url: host.url,
    runtime,
    close: async () => {
      await host.close();
      await runtime.close();
    },
  };
}

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

interface ScrollFigures {
  maxRowsInDom: number;
  longestTaskMs: number;
}

/** Signs in, opens the audit viewer and scrolls it through: steady wheel-like steps, then jumps. */
async function scrollAudit(browser: Browser, records: number, steps: number): Promise<ScrollFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'pump-bench-'));
  const app = await appHost(dir, records);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.addInitScript(`localStorage.setItem('pump-language', 'en');`);
    await page.goto(app.url);
    await page.fill('#username', 'dr.li');
    await page.fill('#password', PASSWORD);
    await page.click('form button[type="submit"]');
    await page.getByRole('menuitem', { name: 'Audit trail' }).click();
    await page.getByTestId('audit-row').first().waitFor();
    // In-page scripts as text: this file is type-checked for Node, not the DOM.
    await page.evaluate(
      `window.longest = 0; new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration); }).observe({ type: 'longtask' });`,
    );
    let maxRows = 0;
    const scroller = page.getByTestId('audit-scroller');
    type Scrollable = {
      scrollBy(x: number, y: number): void;
      scrollTo(x: number, y: number): void;
      scrollHeight: number;
    };
    type Move = { by: number } | { to: 'middle' | 'end' };
    const step = async (move: Move) => {
      await scroller.evaluate((node, m: Move) => {
        const el = node as unknown as Scrollable;
        if ('by' in m) el.scrollBy(0, m.by);
        else el.scrollTo(0, m.to === 'end' ? el.scrollHeight : el.scrollHeight / 2);
      }, move);
      await page.evaluate(`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`);
      maxRows = Math.max(maxRows, await page.getByTestId('audit-row').count());
    };
    for (let i = 0; i < steps; i++) await step({ by: 600 });
    await step({ to: 'middle' });
    await page.waitForTimeout(300);
    for (let i = 0; i < steps / 2; i++) await step({ by: -600 });
    await step({ to: 'end' });
    await page.waitForTimeout(300);
    // The scroll really reached the oldest record (seq 1), with its row filled in from its page.
    const last = await page.getByTestId('audit-row').last().locator('[role="cell"]').first().textContent();
    if (last?.trim() !== '1')
      throw new Error(`the audit viewer did not scroll to the oldest record (last row: ${String(last)})`);
    const longest = await page.evaluate<number>('window.longest');
    return { maxRowsInDom: maxRows, longestTaskMs: longest };
  } finally {
    await page.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ScrollRun {
  big: ScrollFigures;
  small: ScrollFigures;
  /** How the records counts read in the figure's name and its baseline's. */
  bigName: string;
  smallName: string;
}

let scrollCache: ScrollRun | undefined;
/** Both viewers scrolled once, shared by the two figures; a smoke run scrolls 1,000 and 100 records a little. */
async function scrollFigures({ smoke }: RunOptions): Promise<ScrollRun> {
  if (scrollCache !== undefined) return scrollCache;
  const browser = await launch();
  try {
    scrollCache = smoke
      ? {
          big: await scrollAudit(browser, 1_000, 6),
          small: await scrollAudit(browser, 100, 6),
          bigName: '1k',
          smallName: '100',
        }
      : {
          big: await scrollAudit(browser, 100_000, 60),
          small: await scrollAudit(browser, 1_000, 60),
          bigName: '100k',
          smallName: '1,000',
        };
    return scrollCache;
  } finally {
    await browser.close();
  }
}

export const auditRowsBench: Benchmark = {
  name: 'audit viewer 100k records: rows in the DOM',
  needsBrowser: true,
  async run(options) {
    const { big, small, bigName, smallName } = await scrollFigures(options);
    return {
      name: this.name.replace('100k', bigName),
      value: big.maxRowsInDom,
      unit: 'rows',
      baselineName: `same viewer, ${smallName} records`,
      baseline: small.maxRowsInDom,
      ratio: big.maxRowsInDom / Math.max(1, small.maxRowsInDom),
      samples: 1,
    };
  },
};

export const auditLongTaskBench: Benchmark = {
  name: 'audit viewer 100k records: longest task scrolling',
  needsBrowser: true,
  async run(options) {
    const { big, small, bigName, smallName } = await scrollFigures(options);
    return {
      name: this.name.replace('100k', bigName),
      value: big.longestTaskMs,
      unit: 'ms',
      baselineName: `same viewer, ${smallName} records`,
      baseline: small.longestTaskMs,
      ratio: big.longestTaskMs / Math.max(1, small.longestTaskMs),
      samples: 1,
    };
  },
};
