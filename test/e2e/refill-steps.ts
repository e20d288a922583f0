import { expect, type Page } from '@playwright/test';
import { interrogate, openNav, PASSWORD, refillOrderStep, refillSyringeDetails, signIn } from './clinic';
import type { RunningHost } from './web-host';

// Steps of the refill wizard shared by several specs: the morphine order for what the training pump
// runs (10 mg/mL, 3 mg/day, 20 mL), taken up to the withdrawn volume, and what a lock keeps of it.

const order = /Morphine 10 mg\/mL — 3 mg\/day/;
const identity = 'Patient identity checked against the order (two identifiers)';

/**
 * Nurse Wang's refill (English) up to the withdrawn volume: the order, a 10 mg/mL 20 mL syringe of
 * this lot (expiry 2030-12-31), 16.1 mL withdrawn and the reservoir emptied.
 */
export async function refillUpToWithdrawn(page: Page, host: RunningHost, lot: string): Promise<void> {
  await signIn(page, host, 'nurse.wang');
  await openNav(page, 'Refill');
  await refillOrderStep(page, order);
  await page.getByLabel('Concentration').fill('10');
  await refillSyringeDetails(page, { gs1: `(17)301231(10)${lot}`, volumeMl: '20' });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Volume withdrawn').fill('16.1');
  await page.getByTestId('reservoir-emptied').check();
}

/** The same refill in Chinese, up to the withdrawn volume's step: the order, then a 10 mg/mL 20 mL syringe of this lot. */
export async function refillUpToWithdrawnZh(page: Page, host: RunningHost, lot: string): Promise<void> {
  await signIn(page, host, 'nurse.wang', 'zh-CN');
  await openNav(page, '加药');
  await interrogate(page);
  await page.getByRole('radio', { name: /吗啡 10 mg\/mL/ }).check();
  await page.getByLabel('已按医嘱核对患者身份（姓名和患者编号）').check();
  await page.getByLabel('无过量或戒断征象').check();
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByLabel('浓度').fill('10');
  await page.getByLabel('标签扫描（GS1）').fill(`(17)301231(10)${lot}`);
  await page.getByLabel('注射器容量').fill('20');
  await page.getByLabel('配制人').fill('孙药师');
  await page.getByLabel('复核人', { exact: true }).fill('周药师');
  await page.getByRole('button', { name: '下一步' }).click();
}

/** A flagged discrepancy acknowledged (English): what was checked, the patient's state. */
export async function acknowledgeDiscrepancy(page: Page): Promise<void> {
  await page
    .getByTestId('discrepancy-ack')
    .getByLabel('What was checked')
    .fill('Aspirated until nothing more came; no swelling at the pocket');
  await page
    .getByTestId('discrepancy-ack')
    .getByLabel('The patient’s state')
    .fill('Alert, no signs of overdose or withdrawal');
}

/** Signs in on the lock screen (or the sign-in form) as this user. */
export async function unlockAs(page: Page, username: string): Promise<void> {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
}

/** Back where the nurse was after a lock (refillUpToWithdrawn): every entry as typed, step by step back to the order. */
export async function expectRefillEntriesKept(page: Page, lot: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Refill', exact: true })).toBeVisible();
  await expect(page.getByLabel('Volume withdrawn')).toHaveValue('16.1');
  await expect(page.getByTestId('reservoir-emptied')).toBeChecked();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('Lot')).toHaveValue(lot);
  await expect(page.getByLabel('Expiry')).toHaveValue('2030-12-31');
  await expect(page.getByLabel('Concentration')).toHaveValue('10');
  await expect(page.getByLabel('Syringe volume')).toHaveValue('20');
  await expect(page.getByLabel('Prepared by')).toHaveValue('Pharmacist Sun');
  await expect(page.getByLabel('Checked by')).toHaveValue('Pharmacist Zhou');
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('radio', { name: order })).toBeChecked();
  await expect(page.getByLabel(identity)).toBeChecked();
}

/** Another user at the same workstation starts afresh: none of the nurse's refill is shown, up to an empty syringe step. */
export async function expectNoRefillEntries(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Refill', exact: true })).toHaveCount(0);
  await openNav(page, 'Refill');
  await expect(page.getByRole('radio', { name: order })).toHaveCount(0);
  await interrogate(page);
  await expect(page.getByRole('radio', { name: order })).not.toBeChecked();
  await expect(page.getByLabel(identity)).not.toBeChecked();
  await page.getByRole('radio', { name: order }).check();
  await page.getByLabel(identity).check();
  await page.getByLabel('No signs of overdose or withdrawal').check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByLabel('Lot')).toHaveValue('');
}
