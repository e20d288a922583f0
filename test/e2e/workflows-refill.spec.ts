import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import {
  chooseOption,
  clinicPerSpec,
  interrogate,
  openNav,
  PASSWORD,
  refillOrderStep,
  refillSyringeDetails,
  signIn,
  writeOrder,
} from './clinic';
import { programWithWitness, programWordsEn } from './program-steps';
import { acknowledgeDiscrepancy } from './refill-steps';
import { storeRows } from './store-rows';

// A clinic's refills in English, on one clinic database, in order: a nurse's refill, a new
// concentration with its bridge bolus, the audit viewer over all of it, the patient record, and a
// flex schedule at the new concentration.
test.describe.configure({ mode: 'serial' });
const host = clinicPerSpec();

// The pump as the programming spec leaves it: 4.2 mg/day, programmed by Dr Li with Dr Chen as witness.
test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  try {
    await signIn(page, host, 'dr.li');
    await programWithWitness(page, programWordsEn, '4.2');
  } finally {
    await page.close();
  }
});

const auditRows = (sql: string, ...params: unknown[]) => storeRows(host, sql, ...params);

test('a nurse never sees programming; her refill flags the discrepancy and prints the report', async ({ page }) => {
  await writeOrder(page, host, { concentration: '10', dailyDose: '4.2', fillVolumeMl: '20' });
  await signIn(page, host, 'nurse.wang');
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('menuitem', { name: 'Refill', exact: true })).toBeVisible();
  await expect(nav.getByRole('menuitem', { name: 'Programming' })).toHaveCount(0);
  await openNav(page, 'Refill');
  await refillOrderStep(page, /Morphine 10 mg\/mL — 4\.2 mg\/day — Fill volume 20 mL \(dr\.li/);
  await expect(page.getByTestId('refill-patient')).toContainText('Zhang Wei');

  // The syringe is checked against the order: a wrong concentration is caught before anything else.
  await page.getByLabel('Concentration').fill('25');
  await expect(page.getByTestId('syringe-mismatch')).toContainText(
    'The syringe is 25 mg/mL; the order is for 10 mg/mL. Do not fill.',
  );
  await page.getByLabel('Concentration').fill('10');
  await refillSyringeDetails(page, { gs1: '(01)09506000134352(17)301231(10)MOR-7781', volumeMl: '20' });
  await expect(page.getByLabel('Lot')).toHaveValue('MOR-7781');
  await expect(page.getByLabel('Expiry')).toHaveValue('2030-12-31');
  await expect(page.getByTestId('syringe-mismatch')).toHaveCount(0);
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel('Volume withdrawn').fill('11');
  await page.getByTestId('reservoir-emptied').check();
  const discrepancy = page.getByTestId('discrepancy');
  await expect(discrepancy).toHaveAttribute('data-flag', 'true');
  await expect(discrepancy).toContainText('pocket fill');
  // A flagged discrepancy is acknowledged before the refill can complete: what was checked, the patient's state.
  await acknowledgeDiscrepancy(page);
  // The figures of what was typed are in (Next is held back while the last preview's are shown).
  await expect(page.getByRole('button', { name: 'Next' })).toBeEnabled();
  await page.screenshot({ path: 'docs/screenshots/refill-discrepancy-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel(/Volume instilled/).fill('45');
  await expect(
    page.getByText(/45 mL is more than the reservoir capacity of 40 mL: overfilling is refused/),
  ).toBeVisible();
  await page.getByLabel(/Volume instilled/).fill('20');
  await expect(page.getByTestId('refill-forecast')).toContainText('Next refill by');
  await page.getByRole('button', { name: 'Next' }).click();

  const finish = page.getByTestId('refill-finish');
  await finish.getByLabel('Witness user name').fill('nurse.zhao');
  await finish.getByLabel('Witness password').fill(PASSWORD);
  await finish.getByLabel('Wasted volume').fill('11');
  await finish.getByLabel('Waste witnessed by').fill('Nurse Zhao Lei');
  await page.getByTestId('refill-submit').click();
  await expect(page.getByTestId('refill-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  const report = page.getByTestId('refill-report');
  await expect(report).toContainText('Zhang Wei');
  await expect(report.locator('[data-flag="true"]')).toContainText('flagged');
  await expect(page.getByTestId('patient-card')).toContainText('Next refill by');
  await page.screenshot({ path: 'docs/screenshots/refill-report-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);

  const [refill] = auditRows(
    'SELECT nurse, witness, discrepancy_flag, instilled_ml, waste_ml, prescription_id FROM refills',
  );
  expect(refill).toEqual({
    nurse: 'nurse.wang',
    witness: 'nurse.zhao',
    discrepancy_flag: 1,
    instilled_ml: '20',
    waste_ml: '11',
    prescription_id: 1,
  });
  expect(auditRows('SELECT status FROM prescriptions WHERE id = 1')).toEqual([{ status: 'filled' }]);
});

test('a physician orders a new concentration in the patient record; the refill forces the bridge bolus, committed with the new program', async ({
  page,
}) => {
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Patients');
  await page.getByRole('button', { name: 'Zhang Wei' }).click();
  const orders = page.getByTestId('orders-table');
  await expect(orders).toContainText('Filled');
  const form = page.getByTestId('orders');
  await chooseOption(page, form.getByLabel('Drug'), 'Morphine');
  await form.getByLabel('Concentration').fill('25');
  await form.getByLabel('Daily dose').fill('4.2');
  await form.getByLabel('Fill volume').fill('20');
  await form.getByRole('button', { name: 'Write order' }).click();
  await expect(orders).toContainText('Morphine 25 mg/mL — 4.2 mg/day');
  await expect(orders.getByRole('row').filter({ hasText: '25 mg/mL' })).toContainText('Open');
  await expectNoSeriousA11yViolations(page);

  await openNav(page, 'Refill');
  await refillOrderStep(page, /Morphine 25 mg\/mL/);
  await page.getByLabel('Concentration').fill('25');
  await expect(page.getByTestId('concentration-change')).toContainText('Concentration change 10 mg/mL → 25 mg/mL');
  await refillSyringeDetails(page, { gs1: '(17)301231(10)MOR25-1', volumeMl: '20' });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Volume withdrawn').fill('19.9');
  await page.getByTestId('reservoir-emptied').check();
  await expect(page.getByTestId('discrepancy')).toHaveAttribute('data-flag', 'false');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel(/Volume instilled/).fill('20');
  const plan = page.getByTestId('bridge-plan').first();
  // 4.2 mg/day: 0.42 mL/day at 10 mg/mL, then 0.168 mL/day at 25 mg/mL; 0.2 mL tubing + 40 cm × 0.0025 mL/cm.
  await expect(plan).toContainText('0.3 mL');
  await expect(plan).toContainText('0.42 mL/day');
  await expect(plan).toContainText('0.168 mL/day');
  await expect(plan).toContainText('1029 min');
  await expect(plan.getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'soft');
  await page.getByRole('button', { name: 'Next' }).click();

  const finish = page.getByTestId('refill-finish');
  await expect(finish.getByTestId('bridge-plan')).toContainText('The bridge is forced');
  await page.screenshot({ path: 'docs/screenshots/concentration-change-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await finish.getByLabel('Witness user name').fill('dr.chen');
  await finish.getByLabel('Witness password').fill(PASSWORD);
  await finish
    .getByLabel('Reason (recorded in the audit trail)')
    .fill('25 mg/mL ordered to lengthen the refill interval');
  await page.getByTestId('refill-submit').click();
  await expect(page.getByTestId('refill-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  await expect(page.getByTestId('refill-report')).toContainText('25 mg/mL');
  await expect(page.getByTestId('refill-report')).toContainText('1029 min');

  const [intent] = auditRows(
    `SELECT actor, witness, reason, new_json FROM audit_log WHERE action = 'pump.program' AND outcome = 'pending' ORDER BY seq DESC LIMIT 1`,
  );
  expect(intent).toMatchObject({ actor: 'dr.li', witness: 'dr.chen' });
  expect(JSON.parse(String(intent?.['new_json']))).toMatchObject({
    concentration: { value: '25' },
    rate: { value: '0.168' },
    bridge: { volumeMl: '0.3', durationMinutes: 1029 },
  });
});

test('the audit viewer shows all of it with a verified chain', async ({ page }) => {
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Audit trail');
  await expect(page.getByTestId('chain-status')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('chain-status')).toContainText('Chain verified');
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  // Each record read in the user's language: what happened, to whom, by whom.
  await expect(page.getByTestId('audit-scroller')).toContainText('Refill recorded');
  // Every record a user acted in or witnessed, found by the user's name.
  await page.getByLabel('User', { exact: true }).fill('dr.chen');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('audit-scroller')).toContainText('Programming outcome (read back)');
  await expect(page.getByTestId('audit-scroller')).not.toContainText(
    'Nurse Wang Fang (nurse.wang), witness Nurse Zhao Lei',
  );
  for (const row of await rows.all()) await expect(row).toContainText('dr.chen');
  await page.screenshot({ path: 'docs/screenshots/audit-en.png', fullPage: true });
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const content = await readFile(await file.path(), 'utf8');
  expect(content).toContain('refill.record');
  expect(content).toContain('audit.export');
  await expectNoSeriousA11yViolations(page);
});

test('the patient record charts pain against the dose and the refill discrepancy trend', async ({ page }) => {
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Patients');
  await page.getByRole('button', { name: 'Zhang Wei' }).click();
  const detail = page.getByTestId('patient-detail');
  await expect(detail).toContainText('failed back surgery syndrome');
  await expect(detail).toContainText('SIM000123');
  await detail.getByLabel('VAS (0–10)').fill('4');
  await detail.getByRole('button', { name: 'Record VAS' }).click();
  await expect(detail.getByRole('figure', { name: 'Pain (VAS) and daily dose' })).toBeVisible();
  await expect(detail.getByRole('figure', { name: 'Refill discrepancy trend — pump SIM000123' })).toBeVisible();
  await detail.getByLabel('Test dose').fill('0.2');
  await detail.getByLabel('VAS before').fill('8');
  await detail.getByLabel('VAS after').fill('3');
  await detail.getByRole('button', { name: 'Record screening trial' }).click();
  await expect(detail.getByTestId('screening-table')).toContainText('Implant');
  expect(auditRows(`SELECT actor, patient_id FROM audit_log WHERE action = 'screening.record'`)).toEqual([
    { actor: 'dr.li', patient_id: 'P-0001' },
  ]);
  await page.screenshot({ path: 'docs/screenshots/patient-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
});

test('a flex schedule: steps entered as daily doses, the 24-hour picture, the whole day checked and read back', async ({
  page,
}) => {
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Programming');
  await interrogate(page);
  await page.getByRole('radio', { name: 'Flex (periodic)' }).check();
  const editor = page.getByTestId('flex-editor');
  await editor.getByLabel('Step 1 dose (mg/day)').fill('4');
  await editor.getByRole('button', { name: 'Add step' }).click();
  await editor.getByLabel('Step 2 starts').fill('08:00');
  await editor.getByLabel('Step 2 dose (mg/day)').fill('4.5');
  await expect(editor.getByRole('figure', { name: 'Dose per hour over 24 hours' })).toBeVisible();
  // The pump now holds 25 mg/mL (the refill above): above the consensus maximum, a soft limit.
  await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'soft');
  await page.screenshot({ path: 'docs/screenshots/flex-editor-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await page.getByTestId('review-button').click();
  const finish = page.getByTestId('finish-screen');
  await expect(finish.getByTestId('review-table')).toContainText('Flex (periodic)');
  await expect(finish.getByTestId('totals')).toContainText('4.3333 mg/day'); // 4 mg/day for 8 h, 4.5 mg/day for 16 h
  await expect(finish.getByTestId('totals')).toContainText('0.1875 mg/h'); // the peak step, per hour
  await finish.getByRole('checkbox').check();
  await finish.getByLabel('Reason (recorded in the audit trail)').fill('Higher daytime dose for activity-related pain');
  await finish.getByLabel('Witness user name').fill('nurse.wang');
  await finish.getByLabel('Witness password').fill(PASSWORD);
  await page.getByTestId('program-button').click();
  await expect(page.getByTestId('program-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  const steps = JSON.parse(
    String(
      auditRows(
        `SELECT new_json FROM audit_log WHERE action = 'pump.program' AND outcome = 'pending' ORDER BY seq DESC LIMIT 1`,
      )[0]?.['new_json'],
    ),
  ) as { steps: unknown };
  expect(steps.steps).toEqual([
    { start: '00:00', rate: { value: '0.16', unit: 'mL/day' } },
    { start: '08:00', rate: { value: '0.18', unit: 'mL/day' } },
  ]);
});
