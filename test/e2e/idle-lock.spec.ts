import { expect, test, type Page } from '@playwright/test';
import { clinicPerSpec, recordOpioidTolerance, signIn, writeOrder } from './clinic';
import { expectNoRefillEntries, expectRefillEntriesKept, refillUpToWithdrawn, unlockAs } from './refill-steps';

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

/** Nobody touches the page for `ms` of its clock. */
const idle = (page: Page, ms: number) => page.clock.fastForward(ms);

test('the idle timeout locks the workstation mid-refill; the same nurse finds every entry, another user none', async ({
  page,
}) => {
  await idleLockOneMinute(page);
  await recordOpioidTolerance(page, host);
  await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' });
  // The page's timers on Playwright's clock from here on (installed before the page loads again).
  await page.clock.install();
  await refillUpToWithdrawn(page, host, 'MOR-IDLE1');
  await expect(page.getByTestId('discrepancy')).toBeVisible();

  // The page's clock stopped, then a key pressed: her last touch is at a known instant (with the
  // clock running, the real seconds spent waiting for the screen would count as idle too).
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
  await page.keyboard.press('Shift');
  // 59 s untouched: still hers. A minute untouched: locked, by the timer alone.
  await idle(page, 59_000);
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Workstation locked' })).toHaveCount(0);
  await idle(page, 2_000);
  await page.clock.resume(); // the lock's own work (its request, the screen's update) runs on timers
  await expect(page.getByRole('heading', { name: 'Workstation locked' })).toBeVisible();
  await expect(page.getByTestId('signed-in-user')).toHaveCount(0);
  await expect(page.getByLabel('Volume withdrawn')).toHaveCount(0);

  await unlockAs(page, 'nurse.wang');
  // Back where she was: the refill at the withdrawn volume, every entry as typed.
  await expectRefillEntriesKept(page, 'MOR-IDLE1');

  // Idle again; Nurse Zhao unlocks the workstation: nothing of Nurse Wang's refill is shown.
  await idle(page, 61_000);
  await expect(page.getByRole('heading', { name: 'Workstation locked' })).toBeVisible();
  await unlockAs(page, 'nurse.zhao');
  await expect(page.getByTestId('signed-in-user')).toContainText('Zhao');
  await expectNoRefillEntries(page);
  await expect(page.getByLabel('Prepared by')).toHaveValue('');
});
