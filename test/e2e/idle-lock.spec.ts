import { expect, test, type Page } from '@playwright/test';
import {
  clinicPerSpec,
  interrogate,
  openNav,
  PASSWORD,
  refillOrderStep,
  refillSyringeDetails,
  signIn,
  writeOrder,
} from './clinic';

// The idle lock, not the Lock button: the site's idle timeout (1 minute, the smallest the settings
// allow) runs out mid-refill on the page's clock (Playwright's clock drives the renderer's timer).
// The nurse who unlocks finds every entry; another user who unlocks finds none of it.
test.describe.configure({ mode: 'serial' });
test.slow();
const host = clinicPerSpec();

type Reply = Promise<{ ok: boolean; error?: { message: string } }>;

/** The administrator sets the site's idle lock to its smallest allowed value, 1 minute, through the API. */
async function idleLockOneMinute(page: Page): Promise<void> {
  await signIn(page, host, 'admin');
  type Api = { settings: { update: (s: unknown) => Reply } };
  const r = await page.evaluate(async () =>
    (globalThis as unknown as { pumpApi: Api }).pumpApi.settings.update({ idleLockMinutes: 1 }),
  );
  if (!r.ok) throw new Error(r.error?.message ?? 'the setting was refused');
}

/** The patient takes oral morphine 90 mg/day (opioid tolerant): the refill's order is then within the library. */
async function recordOpioidTolerance(page: Page): Promise<void> {
  await signIn(page, host, 'dr.li');
  type Api = { opioids: { record: (r: unknown) => Reply } };
  const r = await page.evaluate(async () =>
    (globalThis as unknown as { pumpApi: Api }).pumpApi.opioids.record({
      patientId: 1,
      record: { kind: 'morphine/oral', dose: '90', startDate: '2026-01-01' },
    }),
  );
  if (!r.ok) throw new Error(r.error?.message ?? 'the opioid was not recorded');
}

/** Nobody touches the page for `ms` of its clock. */
const idle = (page: Page, ms: number) => page.clock.fastForward(ms);

async function unlockAs(page: Page, username: string): Promise<void> {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
}

test('the idle timeout locks the workstation mid-refill; the same nurse finds every entry, another user none', async ({
  page,
}) => {
  await idleLockOneMinute(page);
  await recordOpioidTolerance(page);
  await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' });
  // The page's timers on Playwright's clock from here on (installed before the page loads again).
  await page.clock.install();
  await signIn(page, host, 'nurse.wang');
  await openNav(page, 'Refill');
  await refillOrderStep(page, /Morphine 10 mg\/mL — 3 mg\/day/);
  await page.getByLabel('Concentration').fill('10');
  await refillSyringeDetails(page, { gs1: '(17)301231(10)MOR-IDLE1', volumeMl: '20' });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Volume withdrawn').fill('16.1');
  await page.getByTestId('reservoir-emptied').check();
  await expect(page.getByTestId('discrepancy')).toBeVisible();

  // 59 s untouched: still hers. A minute untouched: locked, by the timer alone.
  await idle(page, 59_000);
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Workstation locked' })).toHaveCount(0);
  await idle(page, 2_000);
  await expect(page.getByRole('heading', { name: 'Workstation locked' })).toBeVisible();
  await expect(page.getByTestId('signed-in-user')).toHaveCount(0);
  await expect(page.getByLabel('Volume withdrawn')).toHaveCount(0);

  await unlockAs(page, 'nurse.wang');
  // Back where she was: the refill at the withdrawn volume, every entry as typed.
  await expect(page.getByRole('heading', { name: 'Refill', exact: true })).toBeVisible();
  await expect(page.getByLabel('Volume withdrawn')).toHaveValue('16.1');
  await expect(page.getByTestId('reservoir-emptied')).toBeChecked();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('Lot')).toHaveValue('MOR-IDLE1');
  await expect(page.getByLabel('Expiry')).toHaveValue('2030-12-31');
  await expect(page.getByLabel('Concentration')).toHaveValue('10');
  await expect(page.getByLabel('Syringe volume')).toHaveValue('20');
  await expect(page.getByLabel('Prepared by')).toHaveValue('Pharmacist Sun');
  await expect(page.getByLabel('Checked by')).toHaveValue('Pharmacist Zhou');
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('radio', { name: /Morphine 10 mg\/mL — 3 mg\/day/ })).toBeChecked();
  await expect(page.getByLabel('Patient identity checked against the order (two identifiers)')).toBeChecked();

  // Idle again; Nurse Zhao unlocks the workstation: nothing of Nurse Wang's refill is shown.
  await idle(page, 61_000);
  await expect(page.getByRole('heading', { name: 'Workstation locked' })).toBeVisible();
  await unlockAs(page, 'nurse.zhao');
  await expect(page.getByTestId('signed-in-user')).toContainText('Zhao');
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
  await expect(page.getByLabel('Prepared by')).toHaveValue('');
});
