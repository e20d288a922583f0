import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Benchmark, RunOptions } from './harness';
import { appHost, launch, PASSWORD } from './renderer-host';

// The audit viewer scrolled through a long trail: the rows it keeps in the DOM and its longest
// task, each beside the same viewer on a short trail.

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
