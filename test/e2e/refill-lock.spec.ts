import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import {
  clinicPerSpec,
  interrogate,
  openNav,
  PASSWORD,
  recordOpioidTolerance,
  signIn,
  signOut,
  writeOrder,
} from './clinic';
import { expectNoRefillEntries, expectRefillEntriesKept, refillUpToWithdrawn, unlockAs } from './refill-steps';
import { storeRows } from './store-rows';

// One clinic, in order: a refill interrupted by a lock, then a flagged discrepancy a physician reviews.
test.describe.configure({ mode: 'serial' });
// Whole visits with several sign-ins and accessibility scans: more than the default time on a busy machine.
test.slow();
const host = clinicPerSpec();

const rows = (sql: string) => storeRows(host, sql);

/** Locks the workstation by hand (the idle lock calls the same), then whoever is named signs in on the lock screen. */
async function lockAndSignIn(page: Page, username: string): Promise<void> {
  await page.locator('header').getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByTestId('signed-in-user')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Workstation locked' })).toBeVisible();
  await unlockAs(page, username);
}

test('a lock mid-refill keeps every entry for the nurse who made them, and shows none to another user', async ({
  page,
}) => {
  await recordOpioidTolerance(page, host);
  await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' });
  await refillUpToWithdrawn(page, host, 'MOR-LOCK1');
  await expect(page.getByTestId('discrepancy')).toBeVisible();

  await lockAndSignIn(page, 'nurse.wang');
  // Back where she was: the refill, at the withdrawn volume, every entry as typed.
  await expectRefillEntriesKept(page, 'MOR-LOCK1');

  // Someone else at the locked workstation starts afresh: nothing of hers is shown.
  await lockAndSignIn(page, 'nurse.zhao');
  await expectNoRefillEntries(page);
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
  await signOut(page);
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
