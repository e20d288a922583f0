import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { chooseOption, clinicPerSpec, interrogate, openNav, PASSWORD, signIn, writeOrder } from './clinic';
import { words } from './paper-audit-words';
import { programWithWitness } from './program-steps';

// The paper a clinic files, the audit trail people read, and the guards on the programming and
// order screens: each in Chinese and in English, on one clinic database, in order.
test.describe.configure({ mode: 'serial' });
const host = clinicPerSpec();

test('the administrator records the clinic’s name and phone (printed on the report and card)', async ({ page }) => {
  await signIn(page, host, 'admin');
  type Api = { settings: { update: (s: unknown) => Promise<{ ok: boolean }> } };
  const saved = await page.evaluate(async () =>
    (globalThis as unknown as { pumpApi: Api }).pumpApi.settings.update({
      clinicName: 'City Pain Clinic',
      clinicPhone: '010-8888 6666',
    }),
  );
  expect(saved.ok).toBe(true);
});

for (const [language, dose, old] of [
  ['zh-CN', '3.3', '3 mg/天'],
  ['en', '3.6', '3.3 mg/day'],
] as const) {
  const w = words[language];

  test(`${language}: after programming, the session report shows the patient, pump, old beside new, who, the witness, the read-back and the clinic`, async ({
    page,
  }) => {
    await signIn(page, host, 'dr.li', language);
    await programWithWitness(page, w, dose);
    const report = page.getByTestId('program-report');
    await expect(report).toContainText(w.programReport);
    await expect(report).toContainText('Zhang Wei');
    await expect(report).toContainText('P-0001');
    await expect(report.getByTestId('report-pump')).toContainText(
      `SIM-40 simulated 40 mL pump — ${w.serial} SIM000123`,
    );
    await expect(report.getByTestId('report-by')).toHaveText(w.by);
    await expect(report.getByTestId('report-witness')).toHaveText(w.witnessName);
    await expect(report.getByTestId('report-readback')).toContainText(w.readBack);
    await expect(report.getByTestId('review-table')).toContainText(old);
    await expect(report.getByTestId('review-table')).toContainText(`${dose} ${w.mgPerDay}`);
    // Days to the alarm in whole days, old and new (never "42.72").
    const days = report
      .getByTestId('review-table')
      .getByRole('row')
      .filter({ hasText: w.daysToAlarm })
      .getByRole('cell');
    await expect(days.nth(1)).toHaveText(/^\d+$/);
    await expect(days.nth(2)).toHaveText(/^\d+$/);
    await expect(report.getByTestId('clinic')).toContainText('City Pain Clinic');
    await expect(report.getByTestId('clinic')).toContainText(w.phone);
    await expect(report.getByTestId('signatures')).toContainText(w.signatures);
    await page.screenshot({ path: `docs/screenshots/program-report-${language}.png`, fullPage: true });
    await expectNoSeriousA11yViolations(page);
  });

  test(`${language}: stop is an action of its own with its own confirmation, never a mode; "Remove step" stands apart from "Add step"`, async ({
    page,
  }) => {
    await signIn(page, host, 'dr.li', language);
    await openNav(page, w.programming);
    await interrogate(page);
    await expect(page.getByRole('radio', { name: w.stopped })).toHaveCount(0);
    await page.getByTestId('stop-open').click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('stop-review')).toBeDisabled();
    await expectNoSeriousA11yViolations(page);
    await dialog.getByTestId('stop-understood').click();
    await dialog.getByTestId('stop-review').click();
    const finish = page.getByTestId('finish-screen');
    await expect(finish.getByTestId('review-table')).toContainText(w.stopped);
    await expect(page.getByTestId('program-outcome')).toHaveCount(0); // reviewed, nothing sent
    await finish.getByRole('button', { name: w.back, exact: true }).click();

    await page.getByRole('radio', { name: w.flex }).check();
    // Measured once the added step is on screen (its Remove button is the last one).
    const steps = page.getByTestId('flex-step');
    await expect(steps).toHaveCount(1);
    await page.getByTestId('flex-add').click();
    await expect(steps).toHaveCount(2);
    const remove = await page.getByTestId('flex-remove').last().boundingBox();
    const add = await page.getByTestId('flex-add').boundingBox();
    expect(remove).not.toBeNull();
    expect(add).not.toBeNull();
    if (remove !== null && add !== null) {
      // Apart in both directions: at least 16 px between the two buttons.
      const gapBelow = add.y - (remove.y + remove.height);
      const gapBeside = Math.max(add.x - (remove.x + remove.width), remove.x - (add.x + add.width));
      expect(Math.max(gapBelow, gapBeside)).toBeGreaterThanOrEqual(16);
    }
  });

  test(`${language}: the audit trail finds the patient by name, says what changed old → new, and opens a record by keyboard`, async ({
    page,
  }) => {
    await signIn(page, host, 'dr.li', language);
    await openNav(page, w.audit);
    await page.getByLabel(w.patientSearch).fill('zhang');
    await page.getByRole('button', { name: w.search, exact: true }).click();
    const rows = page.getByTestId('audit-row');
    await expect(rows.first().getByTestId('audit-patient')).toHaveText('Zhang Wei (P-0001)');
    await expect(
      page
        .getByTestId('audit-changes')
        .filter({ hasText: `${w.dailyDose}${w.sep}${old} → ${dose} ${w.mgPerDay}` })
        .first(),
    ).toBeVisible();
    // Li Na has records of her own, none of which is Zhang Wei's.
    for (const text of await page.getByTestId('audit-patient').allTextContents())
      expect(text).toBe('Zhang Wei (P-0001)');
    await expectNoSeriousA11yViolations(page);
    // By keyboard: from the list to the first record's Details, Enter opens it, Escape closes it.
    await page.getByTestId('audit-scroller').focus();
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('audit-details').first()).toBeFocused();
    await page.keyboard.press('Enter');
    const record = page.getByRole('dialog').getByTestId('audit-record');
    await expect(record).toBeVisible();
    await expect(record).toContainText('Zhang Wei (P-0001)');
    await expectNoSeriousA11yViolations(page);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
  });

  test(`${language}: the order form takes the unit from the drug library and refuses a second open order for the pump`, async ({
    page,
  }) => {
    await signIn(page, host, 'dr.li', language);
    await openNav(page, w.patients);
    await page.getByRole('button', { name: 'Zhang Wei' }).click();
    const form = page.getByTestId('orders');
    await chooseOption(page, form.getByLabel(w.drug, { exact: true }), w.baclofen);
    await expect(form.getByTestId('order-unit')).toHaveText(w.mcg);
    await chooseOption(page, form.getByLabel(w.drug, { exact: true }), w.morphine);
    await expect(form.getByTestId('order-unit')).toHaveText('mg');
    await form.getByLabel(w.concentration, { exact: true }).fill('10');
    await form.getByLabel(w.dailyDose, { exact: true }).fill(dose);
    await form.getByRole('button', { name: w.write }).click();
    // The first of the two runs writes the open order; either way the next one is refused.
    if (language === 'zh-CN') {
      await expect(page.getByTestId('orders-table').getByRole('row').filter({ hasText: '待执行' })).toHaveCount(1);
      await form.getByLabel(w.concentration, { exact: true }).fill('10');
      await form.getByLabel(w.dailyDose, { exact: true }).fill(dose);
      await chooseOption(page, form.getByLabel(w.drug, { exact: true }), w.morphine);
      await form.getByRole('button', { name: w.write }).click();
    }
    await expect(form.getByTestId('error-alert')).toContainText(w.openOrder);
    await expect(form.getByTestId('error-alert')).toContainText('SIM000123');
    await expectNoSeriousA11yViolations(page);
  });
}

for (const language of ['en', 'zh-CN'] as const) {
  test(`${language}: the refill report shows the volumes, the discrepancy, the syringe lot and expiry and signature lines; the card the pump and the clinic`, async ({
    page,
  }) => {
    // The open order from the order-form test is withdrawn by writeOrder; the pump runs 3.6 mg/day.
    await writeOrder(page, host, { concentration: '10', dailyDose: '3.6', fillVolumeMl: '20' }, language);
    await signIn(page, host, 'nurse.wang', language);
    const zh = language === 'zh-CN';
    await page
      .getByRole('navigation')
      .getByRole('menuitem', { name: zh ? '加药' : 'Refill', exact: true })
      .click();
    await interrogate(page);
    await page.getByRole('radio', { name: zh ? /吗啡 10 mg\/mL/ : /Morphine 10 mg\/mL/ }).check();
    await page
      .getByLabel(
        zh ? '已按医嘱核对患者身份（姓名和患者编号）' : 'Patient identity checked against the order (two identifiers)',
      )
      .check();
    await page.getByLabel(zh ? '无过量或戒断征象' : 'No signs of overdose or withdrawal').check();
    await page.getByRole('button', { name: zh ? '下一步' : 'Next' }).click();
    await page.getByLabel(zh ? '浓度' : 'Concentration').fill('10');
    await page.getByLabel(zh ? '标签扫描（GS1）' : 'Label scan (GS1)').fill(`(17)301231(10)MOR-${language}`);
    await page.getByLabel(zh ? '注射器容量' : 'Syringe volume').fill('20');
    await page.getByLabel(zh ? '配制人' : 'Prepared by').fill('Pharmacist Sun');
    await page.getByLabel(zh ? '复核人' : 'Checked by', { exact: true }).fill('Pharmacist Zhou');
    await page.getByRole('button', { name: zh ? '下一步' : 'Next' }).click();
    await page.getByLabel(zh ? '抽出量' : 'Volume withdrawn').fill('11');
    await page.getByTestId('reservoir-emptied').check();
    // The discrepancy is computed as it is typed, and the figures of what was typed before stay on
    // screen until it is: 11 mL out where the pump counts more is flagged (the report says so below),
    // and waited for as such before it is acknowledged.
    const discrepancy = page.getByTestId('discrepancy');
    await expect(discrepancy).toHaveAttribute('data-flag', 'true');
    const ack = page.getByTestId('discrepancy-ack');
    await ack
      .getByRole('textbox')
      .first()
      .fill(zh ? '已回抽至无液体，囊袋无肿胀' : 'Aspirated until nothing more came; no swelling at the pocket');
    await ack
      .getByRole('textbox')
      .nth(1)
      .fill(zh ? '神志清楚，无过量或戒断征象' : 'Alert, no signs of overdose or withdrawal');
    await page.getByRole('button', { name: zh ? '下一步' : 'Next' }).click();
    await page.getByLabel(zh ? /注入量（储药囊容量/ : /Volume instilled/).fill('20');
    await page.getByRole('button', { name: zh ? '下一步' : 'Next' }).click();
    const finish = page.getByTestId('refill-finish');
    await finish.getByLabel(zh ? '核对人用户名' : 'Witness user name').fill('nurse.zhao');
    await finish.getByLabel(zh ? '核对人密码' : 'Witness password').fill(PASSWORD);
    await page.getByTestId('refill-submit').click();
    await expect(page.getByTestId('refill-outcome')).toHaveAttribute('data-outcome', 'confirmed');

    const report = page.getByTestId('refill-report');
    await expect(report).toContainText(zh ? '加药记录报告' : 'Refill session report');
    await expect(report.getByTestId('report-pump')).toContainText(
      `SIM-40 simulated 40 mL pump — ${zh ? '序列号' : 'serial no.'} SIM000123`,
    );
    await expect(report.getByTestId('report-withdrawn')).toHaveText('11 mL');
    await expect(report.getByTestId('report-instilled')).toHaveText('20 mL');
    await expect(report.getByTestId('report-discrepancy')).toHaveAttribute('data-flag', 'true');
    await expect(report.getByTestId('report-lot')).toHaveText(`MOR-${language}`);
    await expect(report.getByTestId('report-expiry')).toContainText('2030');
    await expect(report.getByTestId('signatures')).toContainText(zh ? '执行人' : 'Performed by');
    await expect(report.getByTestId('signatures')).toContainText(zh ? '核对人' : 'Witness');
    await expect(report.getByTestId('clinic')).toContainText('City Pain Clinic');
    await expect(report.getByTestId('clinic')).toContainText(zh ? '电话 010-8888 6666' : 'Tel. 010-8888 6666');
    await expect(report.getByTestId('clinic-phone-not-set')).toHaveCount(0);
    const card = page.getByTestId('patient-card');
    await expect(card).toContainText('Zhang Wei');
    await expect(card).toContainText('P-0001');
    await expect(card.getByTestId('card-pump')).toContainText('SIM000123');
    await expect(card).toContainText(zh ? '吗啡 10 mg/mL' : 'Morphine 10 mg/mL');
    // Units as clinicians write them in each language (unitName): mg/天 in Chinese.
    await expect(card).toContainText(zh ? '3.6 mg/天' : '3.6 mg/day');
    await expect(card.getByTestId('forecast')).toBeVisible();
    await expect(card.getByTestId('card-clinic')).toContainText('City Pain Clinic');
    await expect(card.getByTestId('card-clinic')).toContainText(zh ? '电话 010-8888 6666' : 'Tel. 010-8888 6666');
    await page.screenshot({ path: `docs/screenshots/refill-report-full-${language}.png`, fullPage: true });
    await expectNoSeriousA11yViolations(page);
  });
}
