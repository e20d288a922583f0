import { readStore } from './store';
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, interrogate, openNav, signIn, startClinic } from './clinic';

// The training room's scenario: the wand comes off the USB port right after the pump commits.
const host = clinicPerSpec(() => startClinic(['--training-scenario', 'unplug-during-programming']));

test('a wand unplugged during programming leaves an UNCONFIRMED outcome, loud until the next interrogation resolves it', async ({
  page,
}) => {
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Programming');
  await interrogate(page);
  await page.getByLabel('New daily dose (mg/day)').fill('2.7');
  await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'ok');
  await page.getByTestId('review-button').click();
  await expect(page.getByTestId('witness-fields')).toHaveCount(0); // a decrease needs no witness
  await page.getByTestId('program-button').click();

  await expect(page.getByTestId('program-outcome')).toHaveAttribute('data-outcome', 'unconfirmed');
  const banner = page.getByTestId('unconfirmed-banner');
  await expect(banner).toContainText('UNCONFIRMED programming');
  await expect(banner).toContainText('SIM000123');
  await page.screenshot({ path: 'docs/screenshots/unplugged-unconfirmed-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);

  // The wand is back in the port; reading the pump settles the session: it did apply the write.
  await page.getByRole('button', { name: 'Done' }).click();
  await openNav(page, 'Pump');
  await expect(async () => {
    await interrogate(page);
    await expect(page.getByTestId('pump-status')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('pump-status').locator('[data-field="dailyDose"]')).toHaveText('2.7 mg/day');

  const db = readStore(host.databasePath);
  try {
    const outcomes = db
      .prepare(`SELECT action, outcome FROM audit_log WHERE action LIKE 'pump.program%' ORDER BY seq`)
      .all();
    expect(outcomes).toEqual([
      { action: 'pump.program', outcome: 'pending' },
      { action: 'pump.program.outcome', outcome: 'unconfirmed' },
      { action: 'pump.program.resolve.outcome', outcome: 'confirmed' },
    ]);
  } finally {
    db.close();
  }
});
