import { readStore } from './store';
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import {
  clinicPerSpec,
  interrogate,
  openNav,
  PASSWORD,
  refillOrderStep,
  refillSyringeDetails,
  writeOrder,
} from './clinic';
import { acknowledgeDiscrepancy } from './refill-steps';

const host = clinicPerSpec();

test('a drug change at a refill: the physician rinses the reservoir; the old drug in the catheter is bridged at its rate, then the new drug runs at the ordered dose', async ({
  page,
}) => {
  // The pump runs morphine 10 mg/mL at 0.3 mL/day (3 mg/day); Dr Li orders baclofen 500 mcg/mL, 200 mcg/day.
  await writeOrder(page, host, {
    drug: 'baclofen',
    concentration: '500',
    dailyDose: '200',
    unit: 'mcg',
    fillVolumeMl: '20',
  });
  await openNav(page, 'Refill');
  await refillOrderStep(page, /Baclofen 500 mcg\/mL — 200 mcg\/day/);

  await page.getByLabel('Concentration').fill('500');
  await expect(page.getByTestId('drug-change')).toContainText('Drug change Morphine → Baclofen');
  await refillSyringeDetails(page, { gs1: '(17)301231(10)BAC-500', volumeMl: '25' });
  await page.getByRole('button', { name: 'Next' }).click();

  // No fill before the rinse is recorded.
  await page.getByLabel('Volume withdrawn').fill('19');
  await page.getByTestId('reservoir-emptied').check();
  // A flagged discrepancy is acknowledged before the refill can complete: what was checked, the patient's state.
  await acknowledgeDiscrepancy(page);
  const next = page.getByRole('button', { name: 'Next' });
  await expect(page.getByTestId('rinse')).toContainText('Baclofen');
  await expect(next).toBeDisabled();
  await page.getByLabel('Rinse volume').fill('2');
  await page.getByLabel('The reservoir was rinsed with the new drug and the rinse withdrawn').check();
  await expect(next).toBeEnabled();
  await next.click();

  await page.getByLabel(/Volume instilled/).fill('24');
  await expect(page.getByText('More than the syringe held.')).toBeVisible(); // 2 mL rinse + 24 mL > 25 mL
  await page.getByLabel(/Volume instilled/).fill('20');
  const plan = page.getByTestId('bridge-plan').first();
  // Dead volume 0.2 mL tubing + 40 cm × 0.0025 mL/cm = 0.3 mL of morphine at 0.3 mL/day (1 day), then 200 / 500 = 0.4 mL/day.
  await expect(plan).toContainText('Morphine 10 mg/mL → Baclofen 500 mcg/mL');
  await expect(plan).toContainText('3 mg/day → 200 mcg/day');
  await expect(plan).toContainText('0.3 mL — over 24.0 h (1440 min), at the old rate');
  await expect(plan).toContainText('0.4 mL/day');
  await expect(plan).toContainText('the catheter still holds Morphine');
  await next.click();

  const finish = page.getByTestId('refill-finish');
  await expect(finish).toContainText('Rinse volume');
  await page.screenshot({ path: 'docs/screenshots/drug-change-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await finish.getByLabel('Witness user name').fill('dr.chen');
  await finish.getByLabel('Witness password').fill(PASSWORD);
  // Morphine is no longer delivered after the bridge: the library's soft findings for stopping it ask for a reason.
  const reason = finish.getByLabel('Reason (recorded in the audit trail)');
  await expect(finish.getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'soft');
  await reason.fill('Spasticity: switched to baclofen as ordered');
  await page.getByTestId('refill-submit').click();
  await expect(page.getByTestId('refill-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  await expect(page.getByTestId('patient-card')).toContainText('Drug: Baclofen 500 mcg/mL');
  await expect(page.getByTestId('patient-card')).toContainText('Daily dose: 200 mcg/day');
  // No clinic name or phone in the site settings: the card says so rather than leaving a blank to call.
  await expect(page.getByTestId('card-clinic')).toHaveText(
    'Clinic name not set — clinic phone not set (an administrator enters it in the site settings)',
  );

  const db = readStore(host.databasePath);
  try {
    const refill = JSON.parse(
      db.prepare(`SELECT new_json FROM audit_log WHERE action = 'refill.record'`).pluck().get() as string,
    ) as Record<string, unknown>;
    expect(refill).toMatchObject({
      prescriptionId: 1,
      rinseMl: '2',
      newDrug: 'baclofen',
      bridge: { volumeMl: '0.3', durationMinutes: 1440 },
    });
    // The intent committed before anything was sent: the new drug and its bridge.
    const program = JSON.parse(
      db
        .prepare(`SELECT new_json FROM audit_log WHERE action = 'pump.program' AND outcome = 'pending'`)
        .pluck()
        .get() as string,
    ) as Record<string, unknown>;
    expect(program).toMatchObject({
      drug: 'baclofen',
      concentration: { value: '500', unit: 'mcg/mL' },
      rate: { value: '0.4' },
      bridge: { volumeMl: '0.3' },
    });
  } finally {
    db.close();
  }
  // The pump now holds the new drug.
  await openNav(page, 'Pump');
  await interrogate(page);
  await expect(page.getByTestId('pump-status')).toContainText('Baclofen');
});
