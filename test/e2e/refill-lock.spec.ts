import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import {
  clinicPerSpec,
  interrogate,
  openNav,
  PASSWORD,
  refillOrderStep,
  refillSyringeDetails,
  signIn,
  writeOrder,
  recordOpioidTolerance,
} from './clinic';
import { readStore } from './store';

// One clinic, in order: a refill interrupted by a lock, then a flagged discrepancy a physician reviews.
test.describe.configure({ mode: 'serial' });
// Whole visits with several sign-ins and accessibility scans: more than the default time on a busy machine.
test.slow();
const host = clinicPerSpec();

const rows = (sql: string) => {
  const db = readStore(host.databasePath);
  try {
    return db.prepare(sql).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
};

/** Locks the workstation by hand (the idle lock calls the same), then whoever is named signs in on the lock screen. */
async function lockAndSignIn(page: Page, username: string): Promise<void> {
  await page.locator('header').getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByTestId('signed-in-user')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Workstation locked' })).toBeVisible();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
}

test('a lock mid-refill keeps every entry for the nurse who made them, and shows none to another user', async ({
  page,
}) => {
  await recordOpioidTolerance(page, host);
  await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' });
  await signIn(page, host, 'nurse.wang');
  await openNav(page, 'Refill');
  await refillOrderStep(page, /Morphine 10 mg\/mL — 3 mg\/day/);
  await page.getByLabel('Concentration').fill('10');
  await refillSyringeDetails(page, { gs1: '(17)301231(10)MOR-LOCK1', volumeMl: '20' });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Volume withdrawn').fill('16.1');
  await page.getByTestId('reservoir-emptied').check();
  await expect(page.getByTestId('discrepancy')).toBeVisible();

  await lockAndSignIn(page, 'nurse.wang');
  // Back where she was: the refill, at the withdrawn volume, every entry as typed.
  await expect(page.getByRole('heading', { name: 'Refill', exact: true })).toBeVisible();
  await expect(page.getByLabel('Volume withdrawn')).toHaveValue('16.1');
  await expect(page.getByTestId('reservoir-emptied')).toBeChecked();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('Lot')).toHaveValue('MOR-LOCK1');
  await expect(page.getByLabel('Expiry')).toHaveValue('2030-12-31');
  await expect(page.getByLabel('Concentration')).toHaveValue('10');
  await expect(page.getByLabel('Syringe volume')).toHaveValue('20');
  await expect(page.getByLabel('Prepared by')).toHaveValue('Pharmacist Sun');
  await expect(page.getByLabel('Checked by')).toHaveValue('Pharmacist Zhou');
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('radio', { name: /Morphine 10 mg\/mL — 3 mg\/day/ })).toBeChecked();
  await expect(page.getByLabel('Patient identity checked against the order (two identifiers)')).toBeChecked();

  // Someone else at the locked workstation starts afresh: nothing of hers is shown.
  await lockAndSignIn(page, 'nurse.zhao');
  await expect(page.getByRole('heading', { name: 'Refill', exact: true })).toHaveCount(0);
  await openNav(page, 'Refill');
  await expect(page.getByRole('radio', { name: /Morphine 10 mg\/mL — 3 mg\/day/ })).toHaveCount(0);
  await interrogate(page);
  await expect(page.getByRole('radio', { name: /Morphine 10 mg\/mL — 3 mg\/day/ })).not.toBeChecked();
  await expect(page.getByLabel('Patient identity checked against the order (two identifiers)')).not.toBeChecked();
  await page.getByRole('radio', { name: /Morphine 10 mg\/mL — 3 mg\/day/ }).check();
  await page.getByLabel('Patient identity checked against the order (two identifiers)').check();
  await page.getByLabel('No signs of overdose or withdrawal').check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByLabel('Lot')).toHaveValue('');
});

test('a lock keeps a physician’s program entries and a refill-only visit’s scan for the same user', async ({
  page,
}) => {
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Programming');
  await interrogate(page);
  await page.getByLabel('New daily dose (mg/day)').fill('3.3');
  await lockAndSignIn(page, 'dr.li');
  await expect(page.getByLabel('New daily dose (mg/day)')).toHaveValue('3.3');

  await openNav(page, 'Refill-only visit');
  await expect(page.getByTestId('visit-possible')).toBeVisible();
  await page.getByLabel('Patient and order checked (two identifiers)').check();
  await page.getByLabel('No signs of overdose or withdrawal').check();
  await page.getByTestId('visit-next').click();
  await page
    .locator('#visit_barcode')
    .fill('(17)301231(10)MOR-LOCK2(3153)000020(91)MORPHINE(92)10MG/ML(93)Pharmacist Sun(94)Pharmacist Zhou');
  await expect(page.getByTestId('syringe-matches')).toBeVisible();
  await lockAndSignIn(page, 'dr.li');
  await expect(page.locator('#visit_lot')).toHaveValue('MOR-LOCK2');
  await expect(page.locator('#visit_preparedBy')).toHaveValue('Pharmacist Sun');
  await expect(page.getByTestId('pump-banner')).toContainText('Zhang Wei');
  // Signing out drops it all: signed in again, the visit starts at the order.
  await page.locator('header').getByRole('button').last().click();
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Refill-only visit');
  await expect(page.locator('#visit_lot')).toHaveCount(0);
});

test('a flagged discrepancy needs the nurse’s acknowledgement, puts the pump on the review list, and a physician clears it with a note', async ({
  page,
}) => {
  await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' });
  await signIn(page, host, 'nurse.wang');
  await openNav(page, 'Refill-only visit');
  await interrogate(page);
  await page.getByLabel('Patient and order checked (two identifiers)').check();
  await page.getByLabel('No signs of overdose or withdrawal').check();
  await page.getByTestId('visit-next').click();
  await page
    .locator('#visit_barcode')
    .fill('(17)301231(10)MOR-DISC(3153)000020(91)MORPHINE(92)10MG/ML(93)Pharmacist Sun(94)Pharmacist Zhou');
  await page.getByTestId('visit-next').click();
  // 4.9 mL less out than the pump counted: a possible pocket fill.
  await page.locator('#visit_withdrawnMl').fill('11');
  await page.getByTestId('reservoir-emptied').check();
  await expect(page.getByTestId('discrepancy')).toHaveAttribute('data-flag', 'true');
  const ack = page.getByTestId('discrepancy-ack');
  await expect(ack).toBeVisible();
  await page.getByTestId('visit-next').click();
  await expect(ack.getByText('Required (at least 3 characters)').first()).toBeVisible();
  await expect(page.locator('#visit_instilledMl')).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await ack.getByLabel('What was checked').fill('Aspirated until nothing more came; no swelling at the pocket');
  await ack.getByLabel('The patient’s state').fill('Alert, no signs of overdose or withdrawal');
  await page.getByTestId('visit-next').click();
  await page.locator('#visit_instilledMl').fill('20');
  await expect(page.getByTestId('refill-forecast')).toBeVisible();
  await page.getByTestId('visit-next').click();
  await expect(page.getByTestId('visit-finish')).toContainText('no swelling at the pocket');
  await page.locator('#visit_witness_username').fill('nurse.zhao');
  await page.locator('#visit_witness_password').fill(PASSWORD);
  await page.getByTestId('visit-submit').click();
  await expect(page.getByTestId('refill-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  await expect(page.getByTestId('review-opened')).toBeVisible();
  const [record] = rows(`SELECT new_json AS n FROM audit_log WHERE action = 'refill.record' ORDER BY seq DESC LIMIT 1`);
  expect(JSON.parse(String(record?.['n']))).toMatchObject({
    discrepancyFlag: true,
    discrepancyAcknowledgement: {
      checked: 'Aspirated until nothing more came; no swelling at the pocket',
      patientState: 'Alert, no signs of overdose or withdrawal',
    },
    physicianReview: 'required',
  });

  // The nurse sees the list; only a physician clears it.
  await openNav(page, 'Needs review');
  await expect(page.getByTestId('review')).toContainText('Zhang Wei');
  await expect(page.getByRole('button', { name: 'Review and clear' })).toHaveCount(0);
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Needs review');
  const review = page.getByTestId('review');
  await expect(review).toContainText('Zhang Wei (P-0001) — pump SIM000123');
  await expect(review).toContainText('no swelling at the pocket');
  await expect(review).toContainText('Alert, no signs of overdose or withdrawal');
  await expectNoSeriousA11yViolations(page);
  await review.getByRole('button', { name: 'Review and clear' }).click();
  await review.getByRole('button', { name: 'Clear from the list' }).click();
  await expect(review.getByText('Write a note (at least 3 characters)')).toBeVisible();
  await review
    .getByLabel('Physician’s note')
    .fill('Pocket examined: no fill. Pump log normal. Refill next time as planned.');
  await expectNoSeriousA11yViolations(page);
  await review.getByRole('button', { name: 'Clear from the list' }).click();
  await expect(page.getByText('No pump needs review.')).toBeVisible();
  expect(rows(`SELECT cleared_by AS by, clear_note AS note FROM pump_reviews`)).toEqual([
    { by: 'dr.li', note: 'Pocket examined: no fill. Pump log normal. Refill next time as planned.' },
  ]);
  expect(rows(`SELECT actor, reason FROM audit_log WHERE action = 'review.clear'`)).toEqual([
    { actor: 'dr.li', reason: 'Pocket examined: no fill. Pump log normal. Refill next time as planned.' },
  ]);
});
