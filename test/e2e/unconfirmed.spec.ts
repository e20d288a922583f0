import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { startBuiltWebHost, type RunningHost } from './web-host';

let host: RunningHost;

test.beforeAll(async () => {
  // A programming session whose acknowledgement was lost, left in the database before the app starts.
  host = await startBuiltWebHost([], (db, keys) => {
    const run = spawnSync(process.execPath, ['dist/test/unconfirmed-session.cjs', db, keys], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
  });
});
test.afterAll(async () => {
  await host.stop();
});

test('an UNCONFIRMED session is shown loudly at start-up and resolved by interrogating the pump', async ({ page }) => {
  await page.addInitScript(`localStorage.setItem('pump-language', 'en');`);
  await page.goto(host.url);
  const banner = page.getByTestId('unconfirmed-banner');
  await expect(banner).toContainText('UNCONFIRMED programming');
  await expect(banner).toContainText('SIM000123');
  await page.screenshot({ path: 'docs/screenshots/unconfirmed-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Interrogate' }).click();
  await expect(page.getByTestId('pump-status')).toBeVisible();
  // The pump reports it never applied that transaction: the session is settled and the banner goes.
  await expect(banner).toHaveCount(0);
});
