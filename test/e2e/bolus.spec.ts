import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, interrogate, openNav, PASSWORD, signIn } from './clinic';

// A clinician single bolus through the wand, reviewed beside the running program and witnessed;
// en and zh-CN. The seeded training pump runs morphine 10 mg/mL at 0.3 mL/day (3 mg/day).
test.describe.configure({ mode: 'serial' });

const labels = {
  en: {
    nav: 'Programming',
    open: 'Clinician bolus…',
    dose: 'Bolus dose (mg)',
    duration: 'Given over (minutes)',
    witness: 'Witness user name',
    password: 'Witness password',
    total: '24-hour total',
    started: 'The pump started the bolus: 0.03 mL over 10 min.',
    required: 'Required',
  },
  'zh-CN': {
    nav: '程控',
    open: '临床推注…',
    dose: '推注剂量（mg）',
    duration: '给药时长（分钟）',
    witness: '核对人用户名',
    password: '核对人密码',
    total: '24 小时总量',
    started: '泵已开始推注：0.03 mL，历时 10 分钟。',
    required: '必填',
  },
} as const;

async function giveSingleBolus(page: Page, language: 'en' | 'zh-CN', totalBefore: string, totalWith: string) {
  const l = labels[language];
  await openNav(page, l.nav);
  await interrogate(page);
  await expect(page.getByTestId('open-bolus')).toHaveText(l.open);
  await page.getByTestId('open-bolus').click();
  await page.getByLabel(l.dose).fill('0.3');
  await page.getByLabel(l.duration).fill('10');
  await page.getByTestId('bolus-review-button').click();
  const review = page.getByTestId('bolus-review');
  const table = review.getByTestId('bolus-review-table');
  // The 24-hour total beside the total with the bolus, and the dose the bolus gives.
  const total = table.getByRole('row').filter({ hasText: l.total });
  await expect(total).toContainText(`${totalBefore} mg/day`);
  await expect(total.locator('[data-changed="true"]')).toHaveText(`${totalWith} mg/day`);
  await expect(table).toContainText('0.3 mg');
  await expect(table).toContainText('0.03 mL');
  await expect(review.getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'ok');
  await expectNoSeriousA11yViolations(page);
  // Without the witness's sign-in nothing is sent.
  await page.getByTestId('bolus-deliver').click();
  // Refused on the page: both witness fields are asked for (checked once the refusal is shown), nothing is sent.
  await expect(review.getByText(l.required, { exact: true })).toHaveCount(2);
  await expect(page.getByTestId('bolus-outcome')).toHaveCount(0);
  await review.getByLabel(l.witness).fill('dr.chen');
  await review.getByLabel(l.password).fill(PASSWORD);
  await page.getByTestId('bolus-deliver').click();
  await expect(page.getByTestId('bolus-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  await expect(page.getByTestId('bolus-pump-did')).toHaveText(l.started);
  await expectNoSeriousA11yViolations(page);
}

test.describe('a clinician single bolus with a witness', () => {
  const host = clinicPerSpec();

  test('reviewed beside the running program, witnessed, started by the pump (en)', async ({ page }) => {
    await signIn(page, host, 'dr.li');
    await giveSingleBolus(page, 'en', '3', '3.3');
  });

  test('第二次临床推注：列出此前的推注及其合计；前一次仍在进行时拒绝（中文）', async ({ page }) => {
    await signIn(page, host, 'dr.li', 'zh-CN');
    const l = labels['zh-CN'];
    await openNav(page, l.nav);
    await interrogate(page);
    await page.getByTestId('open-bolus').click();
    await page.getByLabel(l.dose).fill('0.3');
    await page.getByLabel(l.duration).fill('10');
    await page.getByTestId('bolus-review-button').click();
    const review = page.getByTestId('bolus-review');
    const table = review.getByTestId('bolus-review-table');
    // The bolus just given is listed, counted in the 24-hour total and in the clinician boluses' own total.
    await expect(table.locator('tr[data-row-key="earlier-0"]')).toContainText('单次推注 0.3 mg：0.03 mL，10 分钟');
    await expect(table.getByRole('row').filter({ hasText: l.total }).locator('[data-changed="true"]')).toHaveText(
      '3.6 mg/天',
    );
    const clinician = table.locator('tr[data-row-key="clinician-morphine"]');
    await expect(clinician).toContainText('最近 24 小时的临床推注（此前 1 次）');
    await expect(clinician.locator('[data-changed="true"]')).toHaveText('0.6 mg');
    // It is still running (10 min), and the hard interval is not kept: refused, in the user's language.
    await expect(review.getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'hard');
    await expect(review).toContainText('一次临床推注（0.03 mL，10 分钟）仍在进行');
    await expect(review).toContainText('两次临床推注须间隔至少 240 分钟');
    await expectNoSeriousA11yViolations(page);
  });
});
