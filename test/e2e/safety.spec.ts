import { expect, test, type Page } from '@playwright/test';
import { clinicDate } from '../../core/clock';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, interrogate, openNav, PASSWORD, signIn, startClinic, writeOrder } from './clinic';

// The clinical safety net seen at the bedside: the baclofen ceiling, a titration window over the
// pump's own history, the forecast of a flex pump, the daylight-saving warning; en and zh-CN.
test.describe.configure({ mode: 'serial' });

// The clinic's calendar is the workstation's own time zone here (the host runs on the same machine).
const addDays = (days: number): string =>
  clinicDate(new Date(Date.now() + days * 86_400_000), Intl.DateTimeFormat().resolvedOptions().timeZone);

/** The Finish screen's soft-limit acknowledgement, reason and witness, then Program; confirmed. */
async function programWithReason(
  page: Page,
  dose: string,
  labels: { dose: string; reason: string; witness: string; password: string },
) {
  await page.getByLabel(labels.dose).fill(dose);
  await page.getByTestId('review-button').click();
  const finish = page.getByTestId('finish-screen');
  await finish.getByRole('checkbox').check();
  await finish.getByLabel(labels.reason).fill('titration agreed with the patient and the pain team');
  await finish.getByLabel(labels.witness).fill('dr.chen');
  await finish.getByLabel(labels.password).fill(PASSWORD);
  await page.getByTestId('program-button').click();
  await expect(page.getByTestId('program-outcome')).toHaveAttribute('data-outcome', 'confirmed');
}

test.describe('a baclofen flex pump', () => {
  const host = clinicPerSpec(() => startClinic(['--training-pump', 'baclofen-flex']));

  test('the mcg/h-typed-as-mcg/day error is a hard limit (en)', async ({ page }) => {
    await signIn(page, host, 'dr.li');
    await openNav(page, 'Programming');
    await interrogate(page);
    await page.getByRole('radio', { name: 'Simple continuous' }).check();
    await page.getByLabel('New daily dose (mcg/day)').fill('1440');
    const verdict = page.getByTestId('live-check').getByTestId('library-verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'hard');
    await expect(verdict.locator('[data-code="INCREASE_PERCENT_ABOVE_MAX"][data-level="hard"]')).toBeVisible();
    await page.getByTestId('review-button').click();
    await expect(page.getByTestId('program-button')).toBeDisabled();
    await expectNoSeriousA11yViolations(page);
  });

  test('巴氯芬日剂量上限（中文）', async ({ page }) => {
    await signIn(page, host, 'dr.li', 'zh-CN');
    await openNav(page, '程控');
    await interrogate(page);
    await page.getByRole('radio', { name: '简单持续输注' }).check();
    await page.getByLabel('新日剂量（μg/天）').fill('4000');
    const verdict = page.getByTestId('live-check').getByTestId('library-verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'hard');
    await expect(verdict).toContainText('日剂量 4000 μg/天 超过硬限制上限 2000 μg/天');
  });

  test('the refill forecast takes the whole flex day, not its first step (en, then 中文)', async ({ page: first }) => {
    // 0.8 mL/day for 9 h and 0.5 mL/day for 15 h = 0.6125 mL/day (306.25 mcg/day at 500 mcg/mL).
    await writeOrder(first, host, {
      drug: 'baclofen',
      unit: 'mcg',
      concentration: '500',
      dailyDose: '306.25',
      fillVolumeMl: '20',
    });
    for (const language of ['en', 'zh-CN'] as const) {
      const en = language === 'en';
      // A page of its own per language: a page's start-up scripts (the language) run in no set order.
      const page = en ? first : await first.context().newPage();
      await signIn(page, host, 'nurse.wang', language);
      await openNav(page, en ? 'Refill' : '加药');
      await interrogate(page);
      await page.getByRole('radio', { name: en ? /Baclofen 500 mcg\/mL/ : /巴氯芬 500 μg\/mL/ }).check();
      await page
        .getByLabel(
          en
            ? 'Patient identity checked against the order (two identifiers)'
            : '已按医嘱核对患者身份（姓名和患者编号）',
        )
        .check();
      await page.getByLabel(en ? 'No signs of overdose or withdrawal' : '无过量或戒断征象').check();
      await page.getByRole('button', { name: en ? 'Next' : '下一步' }).click();
      await page.getByLabel(en ? 'Concentration' : '浓度').fill('500');
      await page.getByLabel(en ? 'Label scan (GS1)' : '标签扫描（GS1）').fill('(17)301231(10)BAC-500');
      await page.getByLabel(en ? 'Syringe volume' : '注射器容量').fill('20');
      await page.getByLabel(en ? 'Prepared by' : '配制人').fill('Pharmacist Sun');
      await page.getByLabel(en ? 'Checked by' : '复核人', { exact: true }).fill('Pharmacist Zhou');
      await page.getByRole('button', { name: en ? 'Next' : '下一步' }).click();
      await page.getByLabel(en ? 'Volume withdrawn' : '抽出量').fill('6');
      await page.getByTestId('reservoir-emptied').check();
      await page.getByRole('button', { name: en ? 'Next' : '下一步' }).click();
      await page.getByLabel(en ? /Volume instilled/ : /注入量（储药囊容量/).fill('20');
      // (20 − 2) / 0.6125 = 29.38 days to the alarm: a first-step forecast would say 22.5, the old one 380.
      const forecast = page.getByTestId('refill-forecast').getByTestId('forecast-text');
      await expect(forecast).toHaveAttribute('data-limit', 'alarm');
      await expect(forecast).toHaveAttribute('data-next', addDays(29));
      await expect(forecast).toContainText(en ? '29 days' : '29 天');
      await expectNoSeriousA11yViolations(page);
    }
  });
});

test.describe('a titration window over the pump’s own history', () => {
  const host = clinicPerSpec();

  test('morphine 3 → 4.5 → 6 mg/day in minutes, then 7.5 is hard (en)', async ({ page }) => {
    await signIn(page, host, 'dr.li');
    await openNav(page, 'Programming');
    await interrogate(page);
    const labels = {
      dose: 'New daily dose (mg/day)',
      reason: 'Reason (recorded in the audit trail)',
      witness: 'Witness user name',
      password: 'Witness password',
    };
    await programWithReason(page, '4.5', labels);
    await openNav(page, 'Pump');
    await openNav(page, 'Programming');
    await interrogate(page);
    await programWithReason(page, '6', labels);
    await openNav(page, 'Pump');
    await openNav(page, 'Programming');
    await interrogate(page);
    await page.getByLabel(labels.dose).fill('7.5');
    const verdict = page.getByTestId('live-check').getByTestId('library-verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'hard');
    await expect(verdict.locator('[data-code="WINDOW_INCREASE_PERCENT_ABOVE_MAX"][data-level="hard"]')).toContainText(
      'above the lowest dose of the last 24 h',
    );
  });

  test('同一 24 小时窗口（中文）', async ({ page }) => {
    await signIn(page, host, 'dr.li', 'zh-CN');
    await openNav(page, '程控');
    await interrogate(page);
    await page.getByLabel('新日剂量（mg/天）').fill('7.5');
    const verdict = page.getByTestId('live-check').getByTestId('library-verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'hard');
    await expect(verdict.locator('[data-code="WINDOW_INCREASE_PERCENT_ABOVE_MAX"]')).toContainText(
      '较最近 24 小时内最低剂量增加',
    );
  });
});

test.describe('the clinic’s clock: a daylight-saving change within a week of a flex program', () => {
  // New York changes to daylight saving on 14 March 2027; the host runs on 10 March.
  const host = clinicPerSpec(() => startClinic(['--training-pump', 'baclofen-flex'], undefined, '2027-03-10 15:00:00'));

  test('is warned of on the pump screen (en, then 中文)', async ({ page: first }) => {
    const page = first;
    await signIn(page, host, 'admin');
    await openNav(page, 'Site settings');
    await page.getByLabel('Clinic time zone').fill('America/New_York');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Settings saved and recorded in the audit trail.')).toBeVisible();
    for (const language of ['en', 'zh-CN'] as const) {
      const page = language === 'en' ? first : await first.context().newPage();
      await signIn(page, host, 'nurse.wang', language);
      await openNav(page, language === 'en' ? 'Pump' : '泵');
      await interrogate(page);
      const warning = page.locator('[data-testid="clock-warning"][data-code="DST_CHANGE_SOON"]');
      await expect(warning).toBeVisible();
      await expect(warning).toContainText(language === 'en' ? 'Daylight saving' : '夏令时');
      await expect(warning).toContainText('2027-03-14');
      await expectNoSeriousA11yViolations(page);
    }
  });
});

test.describe('the patient’s systemic opioids beside the intrathecal dose and VAS', () => {
  const host = clinicPerSpec();

  test('are charted as oral morphine equivalents over time (en, then 中文)', async ({ page: first }) => {
    await signIn(first, host, 'dr.li');
    // Oral morphine 90 mg/day from a month ago, stopped a week ago; a 25 mcg/h fentanyl patch since.
    type Reply = Promise<{ ok: boolean; error?: { message: string } }>;
    const recorded = await first.evaluate(
      async (dates) => {
        const api = (globalThis as unknown as { pumpApi: { opioids: { record: (r: unknown) => Reply } } }).pumpApi;
        const a = await api.opioids.record({
          patientId: 1,
          record: { kind: 'morphine/oral', dose: '90', startDate: dates.monthAgo, stopDate: dates.weekAgo },
        });
        const b = await api.opioids.record({
          patientId: 1,
          record: { kind: 'fentanyl/transdermal', dose: '25', startDate: dates.weekAgo },
        });
        return [a, b];
      },
      { monthAgo: addDays(-30), weekAgo: addDays(-7) },
    );
    expect(recorded.map((r) => r.ok)).toEqual([true, true]);
    for (const language of ['en', 'zh-CN'] as const) {
      const page = language === 'en' ? first : await first.context().newPage();
      if (language === 'zh-CN') await signIn(page, host, 'dr.li', language);
      await openNav(page, language === 'en' ? 'Patients' : '患者');
      await page.getByRole('button', { name: 'Zhang Wei' }).first().click();
      const chart = page.getByTestId('ome-chart').locator('figure');
      await expect(chart).toHaveAttribute(
        'aria-label',
        language === 'en'
          ? 'Systemic opioids, oral morphine equivalent (mg/day)'
          : '全身用阿片类药物，口服吗啡当量（mg/天）',
      );
      // Drawn: a line through the steps (90, then 60 mg/day).
      await expect(chart.locator('.recharts-line path').first()).toBeVisible();
      await expect(page.getByTestId('ome-today')).toContainText('60');
      await expectNoSeriousA11yViolations(page);
    }
  });
});
