import axe from 'axe-core';
import { expect, type Page } from '@playwright/test';

type AxeWindow = {
  axe?: { run: () => Promise<axe.AxeResults> };
  document: {
    getAnimations(): Array<{ finished: Promise<unknown>; effect: { getTiming(): { iterations?: number } } | null }>;
  };
};

/**
 * axe-core on the page as it is now: no serious or critical violation, each one named if any.
 * axe is put into the page once and stays there while the app moves between screens (one page,
 * hash routes); a navigation or reload drops it and the next check puts it in again. The app has
 * no frames, so running axe in the page itself sees everything there is. Transitions still running
 * (a button turning from disabled to enabled) are let finish first: colour contrast is judged on
 * the page at rest, not on a frame of a fade.
 */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const present = await page.evaluate(() => typeof (globalThis as unknown as AxeWindow).axe?.run === 'function');
  if (!present) await page.evaluate(axe.source);
  expect(page.frames(), 'a page with frames needs a frame-aware check').toHaveLength(1);
  const results = await page.evaluate(async () => {
    const page = globalThis as unknown as AxeWindow;
    const injected = page.axe;
    if (injected === undefined) throw new Error('axe-core is not in the page');
    const finite = page.document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    return injected.run(); // the whole document
  });
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) =>
        `${v.id}: ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 80)} ${n.failureSummary ?? ''}`).join(', ')}`,
    ),
  ).toEqual([]);
}
