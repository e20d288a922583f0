import { expect, test, type Page } from '@playwright/test';
import { chooseOption, clinicPerSpec, interrogate, openNav, PASSWORD, signIn, writeOrder } from './clinic';

// Units as Chinese clinicians write them (mg/天, μg/天, mL/天, 小时) on every main screen in
// zh-CN: the text shown, input suffixes, and the names charts and controls are read by. An English
// unit word anywhere on these screens fails the test, with the lines that carry it.
test.describe.configure({ mode: 'serial' });
test.slow();
const host = clinicPerSpec();

/** English unit words: mg/day, mcg/day, mL/day, mcg, per day, "2.5 h". */
const ENGLISH_UNIT = /\/day\b|\bmcg\b|\bper day\b|\d h\b/;

/** The page's text and accessible names, line by line, that carry an English unit word. */
async function englishUnits(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  const names = await page.evaluate<string[]>(
    `[...document.querySelectorAll('[aria-label], [title], input[placeholder]')].flatMap((e) =>
      ['aria-label', 'title', 'placeholder'].map((a) => e.getAttribute(a) ?? ''))`,
  );
  return [...text.split('\n'), ...names].filter((line) => ENGLISH_UNIT.test(line));
}

async function expectChineseUnits(page: Page, screen: string): Promise<void> {
  expect(await englishUnits(page), `${screen}: English unit words`).toEqual([]);
}

test('程控、确认页、程控记录报告与分时段方案：单位按中文书写', async ({ page }) => {
  await signIn(page, host, 'dr.li', 'zh-CN');
  await openNav(page, '泵');
  await interrogate(page);
  await expect(page.locator('[data-field="dailyDose"]').first()).toHaveText('3 mg/天');
  await expectChineseUnits(page, 'pump');

  await openNav(page, '程控');
  await interrogate(page);
  await page.getByLabel('新日剂量（mg/天）').fill('3.3');
  const live = page.getByTestId('live-check');
  await expect(live.getByTestId('library-verdict')).toBeVisible();
  await expect(live).toContainText('将发送 0.33 mL/天');
  // The bolus calculators: rates and volumes with their units.
  await expectChineseUnits(page, 'programming');

  await page.getByTestId('review-button').click();
  const finish = page.getByTestId('finish-screen');
  await expect(finish.getByTestId('review-table')).toContainText('3.3 mg/天');
  await expect(finish.getByTestId('totals')).toContainText('mg/天');
  await expectChineseUnits(page, 'finish');
  await finish.getByLabel('核对人用户名').fill('dr.chen');
  await finish.getByLabel('核对人密码').fill(PASSWORD);
  await page.getByTestId('program-button').click();
  await expect(page.getByTestId('program-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  await expect(page.getByTestId('program-report')).toContainText('3 mg/天 → 3.3 mg/天');
  await expectChineseUnits(page, 'programming session report');
  await page.getByRole('button', { name: '完成' }).click();

  await interrogate(page);
  await page.getByRole('radio', { name: '分时段可变输注' }).check();
  const editor = page.getByTestId('flex-editor');
  await editor.getByLabel('时段 1 剂量（mg/天）').fill('3');
  await editor.getByRole('button', { name: '添加时段' }).click();
  await editor.getByLabel('时段 2 开始').fill('08:00');
  await editor.getByLabel('时段 2 剂量（mg/天）').fill('3.6');
  await expect(editor.getByRole('figure')).toBeVisible();
  await expect(live.getByTestId('library-verdict')).toBeVisible();
  await expect(live).toContainText('（mL/天）');
  await expectChineseUnits(page, 'flex editor');
  await page.getByTestId('review-button').click();
  await expect(page.getByTestId('finish-schedule')).toBeVisible();
  await expect(page.getByTestId('schedule-new')).toContainText('mg/天');
  await expectChineseUnits(page, 'flex finish');
});

test('患者页、医嘱、加药向导与审计追踪：单位按中文书写', async ({ page }) => {
  await writeOrder(page, host, { concentration: '10', dailyDose: '3.3', fillVolumeMl: '20' }, 'zh-CN');
  await openNav(page, '患者');
  await page.getByRole('button', { name: 'Zhang Wei' }).first().click();
  const orders = page.getByTestId('orders');
  await chooseOption(page, orders.getByLabel('药物', { exact: true }), '巴氯芬');
  await expect(orders.getByTestId('order-unit')).toHaveText('μg');
  await expect(orders).toContainText('μg/天');
  await expectChineseUnits(page, 'patient and orders');

  await openNav(page, '加药');
  await interrogate(page);
  await expect(page.getByRole('radio', { name: /吗啡 10 mg\/mL — 3.3 mg\/天/ })).toBeVisible();
  await expectChineseUnits(page, 'refill order step');

  await openNav(page, '审计追踪');
  await expect(page.getByTestId('audit-changes').filter({ hasText: '3 mg/天 → 3.3 mg/天' }).first()).toBeVisible();
  await expectChineseUnits(page, 'audit trail');
});
