import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import {
  clinicPerSpec,
  interrogate,
  openNav,
  refillOrderStep,
  refillSyringeDetails,
  signIn,
  startClinic,
  writeOrder,
  recordOpioidTolerance,
} from './clinic';

// The programming Finish screen on a 1366×768 clinic screen: its title, the patient, the pump, the
// changes and the Program button all in view without scrolling (en and zh-CN), and a flex day
// shown step by step with its 24-hour chart, old beside new, as the service computes it.
test.use({ viewport: { width: 1366, height: 768 } });
test.describe.configure({ mode: 'serial' });
test.slow();

/** The element's box lies wholly inside the 1366×768 viewport, with the page not scrolled. */
async function expectInViewport(page: Page, what: string, locator: Locator): Promise<void> {
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
async function expectFinishInView(
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

const en = {
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
const zh = {
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

test.describe('a morphine pump running continuously (10 mg/mL, 3 mg/day)', () => {
  const host = clinicPerSpec();

  for (const [language, w, drug] of [
    ['en', en, 'Morphine'],
    ['zh-CN', zh, '吗啡'],
  ] as const) {
    test(`a continuous dose change: the Finish screen fits 1366×768 (${language})`, async ({ page }) => {
      await signIn(page, host, 'dr.li', language);
      await openNav(page, w.programming);
      await interrogate(page);
      await page.getByLabel(w.dose(w.u('mg/day'))).fill('3.3');
      await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toBeVisible();
      // Scrolled down to the button, as a physician is after filling the form.
      await page.getByTestId('review-button').scrollIntoViewIfNeeded();
      await page.getByTestId('review-button').click();
      await expectFinishInView(
        page,
        { drug, old: `3 ${w.u('mg/day')}`, new: `3.3 ${w.u('mg/day')}`, title: w.title },
        false,
        `finish-1366-continuous-${language}`,
      );
      await expect(page.getByTestId('finish-schedule')).toHaveCount(0);
      await expectNoSeriousA11yViolations(page);
    });

    test(`a continuous pump changed to flex: the steps old beside new, the chart, all in view (${language})`, async ({
      page,
    }) => {
      await signIn(page, host, 'dr.li', language);
      await openNav(page, w.programming);
      await interrogate(page);
      await page.getByRole('radio', { name: w.flex }).check();
      const editor = page.getByTestId('flex-editor');
      await editor.getByLabel(w.stepDose(1, w.u('mg/day'))).fill('3');
      await editor.getByRole('button', { name: w.add }).click();
      await editor.getByLabel(w.stepStart(2)).fill('08:00');
      await editor.getByLabel(w.stepDose(2, w.u('mg/day'))).fill('3.6');
      await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toBeVisible();
      await page.getByTestId('review-button').scrollIntoViewIfNeeded();
      await page.getByTestId('review-button').click();
      await expectFinishInView(
        page,
        { drug, old: `3 ${w.u('mg/day')}`, new: `3.4 ${w.u('mg/day')}`, title: w.title },
        true,
        `finish-1366-flex-${language}`,
      );
      const finish = page.getByTestId('finish-screen');
      await expect(finish.getByRole('figure', { name: w.chart })).toBeVisible();
      // What is shown is what the service computed, and that is the therapy model's day.
      const service = await servicePreview(page, {
        mode: 'flex',
        dailyDose: '0',
        steps: [
          { start: '00:00', dailyDose: '3' },
          { start: '08:00', dailyDose: '3.6' },
        ],
      });
      expect(await shownSteps(finish.getByTestId('schedule-old'))).toEqual(asShown(service.old));
      expect(await shownSteps(finish.getByTestId('schedule-new'))).toEqual(asShown(service.new));
      expect(asShown(service.old)).toEqual([['00:00–24:00', '0.3', '3', '0.125', '3']]);
      expect(asShown(service.new)).toEqual([
        ['00:00–08:00', '0.3', '3', '0.125', '1'],
        ['08:00–24:00', '0.36', '3.6', '0.15', '2.4'],
      ]);
      await expectNoSeriousA11yViolations(page);
    });
  }
});

test.describe('the refill wizard’s Finish (morphine 10 mg/mL, 3 mg/day, the order for what the pump runs)', () => {
  const host = clinicPerSpec();

  /** Title, patient, pump, the changes (reservoir old → new, drug and dose unchanged) and the button, each in view. */
  async function expectWizardFinishInView(
    page: Page,
    w: { finish: string; drug: string; update: string },
    shot: string,
  ) {
    const finish = page.getByTestId('refill-finish');
    await expect(finish).toBeVisible();
    await page.screenshot({ path: `docs/screenshots/${shot}.png` });
    expect(await page.evaluate<number>('window.scrollY')).toBe(0);
    await expectInViewport(page, 'title', finish.locator('.ant-card-head-title', { hasText: w.finish }));
    const banner = finish.getByTestId('pump-banner');
    await expect(banner).toContainText('Zhang Wei');
    await expect(banner).toContainText('P-0001');
    await expect(banner).toContainText('SIM000123');
    await expect(banner).toContainText(w.drug);
    await expectInViewport(page, 'patient and pump', banner);
    const changes = finish.locator('.ant-descriptions');
    await expect(changes).toContainText('20 mL');
    await expectInViewport(page, 'changes', changes);
    await expectInViewport(page, 'witness', finish.getByTestId('witness-fields'));
    await expectInViewport(page, 'update button', page.getByTestId('refill-submit'));
    await expect(page.getByTestId('refill-submit')).toHaveText(w.update);
    await expectNoSeriousA11yViolations(page);
  }

  test('the refill wizard’s Finish fits 1366×768 (en)', async ({ page }) => {
    await recordOpioidTolerance(page, host);
    await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' });
    await signIn(page, host, 'nurse.wang');
    await openNav(page, 'Refill');
    await refillOrderStep(page, /Morphine 10 mg\/mL — 3 mg\/day/);
    await page.getByLabel('Concentration').fill('10');
    await refillSyringeDetails(page, { gs1: '(17)301231(10)MOR-FIT1', volumeMl: '20' });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Volume withdrawn').fill('16.1');
    await page.getByTestId('reservoir-emptied').check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel(/Volume instilled/).fill('20');
    await expect(page.getByTestId('refill-forecast')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    await expectWizardFinishInView(
      page,
      { finish: 'Finish', drug: 'Morphine', update: 'Update the pump and record the refill' },
      'refill-finish-1366-en',
    );
  });

  test('加药向导的完成确认页在 1366×768 内（中文）', async ({ page }) => {
    await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' }, 'zh-CN');
    await signIn(page, host, 'nurse.wang', 'zh-CN');
    await openNav(page, '加药');
    await interrogate(page);
    await page.getByRole('radio', { name: /吗啡 10 mg\/mL/ }).check();
    await page.getByLabel('已按医嘱核对患者身份（姓名和患者编号）').check();
    await page.getByLabel('无过量或戒断征象').check();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel('浓度').fill('10');
    await page.getByLabel('标签扫描（GS1）').fill('(17)301231(10)MOR-FIT2');
    await page.getByLabel('注射器容量').fill('20');
    await page.getByLabel('配制人').fill('孙药师');
    await page.getByLabel('复核人', { exact: true }).fill('周药师');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel('抽出量').fill('16.1');
    await page.getByTestId('reservoir-emptied').check();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel(/注入量（储药囊容量/).fill('20');
    await expect(page.getByTestId('refill-forecast')).toBeVisible();
    await page.getByRole('button', { name: '下一步' }).click();
    await expectWizardFinishInView(
      page,
      { finish: '完成', drug: '吗啡', update: '更新泵并记录加药' },
      'refill-finish-1366-zh-CN',
    );
  });
});

test.describe('a baclofen flex pump (500 mcg/mL, three steps)', () => {
  const host = clinicPerSpec(() => startClinic(['--training-pump', 'baclofen-flex']));

  for (const [language, w, drug] of [
    ['en', en, 'Baclofen'],
    ['zh-CN', zh, '巴氯芬'],
  ] as const) {
    test(`a flex day changed: each step old beside new and the 24-hour chart, in view (${language})`, async ({
      page,
    }) => {
      await signIn(page, host, 'dr.li', language);
      await openNav(page, w.programming);
      await interrogate(page);
      const editor = page.getByTestId('flex-editor');
      // The form starts from the pump's steps: 400, 250 and 400 mcg/day; the daytime step goes to 300.
      await expect(editor.getByLabel(w.stepDose(2, w.u('mcg/day')))).toHaveValue('250');
      await editor.getByLabel(w.stepDose(2, w.u('mcg/day'))).fill('300');
      await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toBeVisible();
      await page.getByTestId('review-button').scrollIntoViewIfNeeded();
      await page.getByTestId('review-button').click();
      await expectFinishInView(
        page,
        { drug, old: `306.25 ${w.u('mcg/day')}`, new: `337.5 ${w.u('mcg/day')}`, title: w.title },
        true,
        `finish-1366-flex-baclofen-${language}`,
      );
      const finish = page.getByTestId('finish-screen');
      await expect(finish.getByRole('figure', { name: w.chart })).toBeVisible();
      const service = await servicePreview(page, {
        mode: 'flex',
        dailyDose: '0',
        steps: [
          { start: '00:00', dailyDose: '400' },
          { start: '07:00', dailyDose: '300' },
          { start: '22:00', dailyDose: '400' },
        ],
      });
      expect(await shownSteps(finish.getByTestId('schedule-old'))).toEqual(asShown(service.old));
      expect(await shownSteps(finish.getByTestId('schedule-new'))).toEqual(asShown(service.new));
      expect(asShown(service.new)).toEqual([
        ['00:00–07:00', '0.8', '400', '16.6667', '116.6667'],
        ['07:00–22:00', '0.6', '300', '12.5', '187.5'],
        ['22:00–24:00', '0.8', '400', '16.6667', '33.3333'],
      ]);
      expect(asShown(service.old)[1]).toEqual(['07:00–22:00', '0.5', '250', '10.4167', '156.25']);
      await expectNoSeriousA11yViolations(page);
    });
  }
});
