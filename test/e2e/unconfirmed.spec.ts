import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, signIn, startClinic } from './clinic';

// A programming session whose acknowledgement was lost, left in the database before the app starts.
const host = clinicPerSpec(() =>
  startClinic([], (db, keys) => {
    const run = spawnSync(process.execPath, ['dist/test/unconfirmed-session.cjs', db, keys], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
  }),
);

test('an UNCONFIRMED session is shown loudly at start-up and resolved by reading the pump, which opens programming again', async ({
  page,
}) => {
  await signIn(page, host, 'dr.li');
  const banner = page.getByTestId('unconfirmed-banner');
  await expect(banner).toContainText('UNCONFIRMED programming');
  await expect(banner).toContainText('SIM000123');
  await page.screenshot({ path: 'docs/screenshots/unconfirmed-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  // Programming that pump is refused until the outcome is known.
  // Reading the pump from the banner settles it: the pump reports it never applied that transaction.
  await banner.getByRole('button', { name: 'Read the pump now' }).click();
  await expect(banner).toHaveCount(0);
  await page.getByRole('navigation').getByRole('menuitem', { name: 'Programming' }).click();
  await page.getByRole('button', { name: 'Interrogate' }).click();
  await page.getByLabel('New daily dose (mg/day)').fill('2.7');
  await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'ok');
});
