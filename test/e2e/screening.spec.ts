import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { chooseOption, clinicPerSpec, openNav, signIn } from './clinic';
import { readStore } from './store';

test.describe.configure({ mode: 'serial' });
const host = clinicPerSpec();

const rows = (sql: string) => {
  const db = readStore(host.databasePath);
  try {
    return db.prepare(sql).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
};

async function screeningForm(page: Page, language: 'en' | 'zh-CN', patients: string) {
  await signIn(page, host, 'dr.li', language);
  await openNav(page, patients);
  await page.getByRole('button', { name: 'Zhang Wei' }).click();
  return page.getByTestId('patient-detail');
}

test('a 10 mg morphine test dose is refused by the drug library, naming the limit and the unit; nothing is recorded (en)', async ({
  page,
}) => {
  const detail = await screeningForm(page, 'en', 'Patients');
  await detail.getByLabel('Test dose').fill('10');
  await detail.getByLabel('VAS before').fill('8');
  await detail.getByLabel('VAS after').fill('3');
  await detail.getByRole('button', { name: 'Record screening trial' }).click();
  const alert = detail.getByTestId('error-alert');
  await expect(alert).toHaveAttribute('data-code', 'HARD_LIMIT');
  await expect(alert).toContainText(
    'A test dose of 10 mg (10 mg) is above the drug library’s hard maximum of 1 mg for one intrathecal bolus. Check the unit (mg or mcg) and the dose.',
  );
  expect(rows(`SELECT count(*) AS n FROM screening_trials`)).toEqual([{ n: 0 }]);
  expect(rows(`SELECT count(*) AS n FROM audit_log WHERE action = 'screening.record'`)).toEqual([{ n: 0 }]);
  await expectNoSeriousA11yViolations(page);

  // The same dose in micrograms, as meant: recorded.
  await detail.getByLabel('Test dose').fill('200');
  await chooseOption(page, detail.getByLabel('Unit'), 'mcg');
  await detail.getByRole('button', { name: 'Record screening trial' }).click();
  await expect(detail.getByTestId('screening-table')).toContainText('Implant');
  expect(rows(`SELECT drug, dose_json FROM screening_doses`)).toEqual([
    { drug: 'morphine', dose_json: '{"value":"200","unit":"mcg"}' },
  ]);
});

test('a soft limit (0.8 mg morphine) asks for the reason and records it with the finding (zh-CN)', async ({ page }) => {
  const detail = await screeningForm(page, 'zh-CN', '患者');
  await detail.getByLabel('试验剂量').fill('0.8');
  await detail.getByLabel('注射前 VAS').fill('7');
  await detail.getByLabel('注射后 VAS').fill('2');
  await detail.getByRole('button', { name: '记录筛选试验' }).click();
  const soft = detail.getByTestId('screening-soft');
  await expect(soft).toContainText('达到药物库软限制：须填写理由才能记录此次试验');
  await expect(soft).toContainText(
    '试验剂量 0.8 mg（0.8 mg）超过药物库单次鞘内推注的软限制上限 0.5 mg。请核对单位（mg 或 μg）和剂量。',
  );
  await expectNoSeriousA11yViolations(page);
  // Without a reason the form does not go.
  await detail.getByRole('button', { name: '记录筛选试验' }).click();
  await expect(soft).toContainText('必填');
  await soft.getByLabel('给予该试验剂量的理由').fill('阿片耐受：口服吗啡 120 mg/天');
  await detail.getByRole('button', { name: '记录筛选试验' }).click();
  // Recorded: the form starts afresh once the trial is in. (The soft-limit panel goes as soon as the
  // request is sent, before the answer: its going alone says nothing about the record.)
  await expect(detail.getByLabel('试验剂量')).toHaveValue('');
  await expect(soft).toHaveCount(0);
  const audit = rows(
    `SELECT reason, acks_json FROM audit_log WHERE action = 'screening.record' ORDER BY seq DESC LIMIT 1`,
  )[0];
  expect(audit?.['reason']).toBe('阿片耐受：口服吗啡 120 mg/天');
  expect(String(audit?.['acks_json'])).toContain('SCREENING_DOSE_ABOVE_MAX');
});
