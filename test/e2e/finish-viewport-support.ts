import { expect, type Locator, type Page } from '@playwright/test';

// Shared by the finish-viewport specs: the programming and refill Finish screens on a 1366×768
// clinic screen, each part in view without scrolling.

/** The element's box lies wholly inside the 1366×768 viewport, with the page not scrolled. */
export async function expectInViewport(page: Page, what: string, locator: Locator): Promise<void> {
  const viewport = page.viewportSize();
  expect(viewport).toEqual({ width: 1366, height: 768 });
  await expect(locator, what).toBeVisible();
  const box = await locator.boundingBox();
  expect(box, what).not.toBeNull();
  if (box === null || viewport === null) return;
  expect(box.x, `${what}: left edge`).toBeGreaterThanOrEqual(0);
  expect(box.y, `${what}: top edge`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what}: right edge`).toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height, `${what}: bottom edge`).toBeLessThanOrEqual(viewport.height);
}

/** Title, patient (name, ID), pump (serial, drug), changes (old beside new) and the Program button, each in view. */
export async function expectFinishInView(
  page: Page,
  t: { drug: string; old: string; new: string; title: RegExp },
  flex: boolean,
  screenshot: string,
): Promise<void> {
  const finish = page.getByTestId('finish-screen');
  await expect(finish).toBeVisible();
  if (flex) await expect(finish.getByRole('figure').locator('svg').first()).toBeVisible();
  // The screen as the witness sees it, kept beside the docs (taken before the checks, for a failure too).
  await page.screenshot({ path: `docs/screenshots/${screenshot}.png` });
  expect(await page.evaluate<number>('window.scrollY')).toBe(0);
  await expect(finish.getByTestId('finish-title')).toHaveText(t.title);
  await expectInViewport(page, 'title', finish.getByTestId('finish-title'));
  const patient = finish.getByTestId('finish-patient');
  await expect(patient).toContainText('Zhang Wei');
  await expect(patient).toContainText('P-0001');
  await expectInViewport(page, 'patient', patient);
  const pump = finish.getByTestId('finish-pump');
  await expect(pump).toContainText('SIM000123');
  await expect(pump).toContainText(t.drug);
  await expectInViewport(page, 'pump', pump);
  // The changes: the whole old-beside-new table, the changed row's old and new values, and the totals.
  const changes = finish.getByTestId('review-table');
  await expectInViewport(page, 'changes', changes);
  await expectInViewport(page, 'old value', changes.getByText(t.old, { exact: true }).first());
  await expectInViewport(page, 'new value', changes.locator('[data-changed="true"]', { hasText: t.new }).first());
  await expectInViewport(page, 'totals', finish.getByTestId('totals'));
  if (flex) {
    await expectInViewport(page, 'old steps', finish.getByTestId('schedule-old'));
    await expectInViewport(page, 'new steps', finish.getByTestId('schedule-new'));
    await expectInViewport(page, 'chart', finish.getByRole('figure'));
  }
  await expectInViewport(page, 'witness', finish.getByTestId('witness-fields'));
  await expectInViewport(page, 'Program button', page.getByTestId('program-button'));
}

/** Waits for the live library check, scrolls down to the review button as a physician is after filling the form, and opens the Finish screen. */
export async function openFinish(page: Page): Promise<void> {
  await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toBeVisible();
  await page.getByTestId('review-button').scrollIntoViewIfNeeded();
  await page.getByTestId('review-button').click();
}

type Step = {
  start: string;
  end: string;
  rate: { value: string };
  dailyDose: { value: string };
  hourlyDose: { value: string };
  stepDose: { value: string };
};

/** The preview the service returns for this change, asked through the page's API bridge. */
async function servicePreview(page: Page, change: unknown): Promise<{ old: Step[]; new: Step[] }> {
  type Api = {
    program: { preview: (c: unknown) => Promise<{ ok: boolean; value?: { schedule: { old: Step[]; new: Step[] } } }> };
  };
  const r = await page.evaluate(
    async (c) => (globalThis as unknown as { pumpApi: Api }).pumpApi.program.preview(c),
    change,
  );
  if (!r.ok || r.value === undefined) throw new Error('the preview was refused');
  return r.value.schedule;
}

/** The rows of a steps table as shown: time, rate, dose per day, per hour, in the step. */
async function shownSteps(table: Locator): Promise<string[][]> {
  const rows = table.locator('tbody tr[data-start]');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++)
    out.push((await rows.nth(i).locator('td').allInnerTexts()).map((s) => s.trim()));
  return out;
}
const asShown = (steps: Step[]) =>
  steps.map((s) => [`${s.start}–${s.end}`, s.rate.value, s.dailyDose.value, s.hourlyDose.value, s.stepDose.value]);

/**
 * The Finish screen's steps tables (old and new) show what the service computes for this change,
 * asked through the page's API bridge; the service's steps are returned as shown.
 */
export async function expectStepsAsTheService(
  page: Page,
  change: unknown,
): Promise<{ old: string[][]; new: string[][] }> {
  const finish = page.getByTestId('finish-screen');
  const service = await servicePreview(page, change);
  expect(await shownSteps(finish.getByTestId('schedule-old'))).toEqual(asShown(service.old));
  expect(await shownSteps(finish.getByTestId('schedule-new'))).toEqual(asShown(service.new));
  return { old: asShown(service.old), new: asShown(service.new) };
}

/** The words of the programming screen in each language. */
export const en = {
  programming: 'Programming',
  continuous: 'Simple continuous',
  flex: 'Flex (periodic)',
  dose: (unit: string) => `New daily dose (${unit})`,
  stepStart: (n: number) => `Step ${n} starts`,
  stepDose: (n: number, unit: string) => `Step ${n} dose (${unit})`,
  add: 'Add step',
  title: /^Finish screen — pump SIM000123/,
  chart: 'Dose per hour over 24 hours, now and new',
  /** A unit as the screen writes it in this language. */
  u: (unit: string) => unit,
};
export const zh = {
  programming: '程控',
  continuous: '简单持续输注',
  flex: '分时段可变输注',
  dose: (unit: string) => `新日剂量（${unit}）`,
  stepStart: (n: number) => `时段 ${n} 开始`,
  stepDose: (n: number, unit: string) => `时段 ${n} 剂量（${unit}）`,
  add: '添加时段',
  title: /^程控确认 — 泵 SIM000123/,
  chart: '24 小时每小时剂量：当前与新方案',
  /** Units as Chinese clinicians write them: mg/天, μg/天. */
  u: (unit: string) => unit.replace('mcg', 'μg').replace('/day', '/天'),
};
