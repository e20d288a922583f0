import { expect, test, type Page } from '@playwright/test';
import { PASSWORD, startClinic } from './clinic';
import type { RunningHost } from './web-host';

let host: RunningHost;
test.beforeAll(async () => {
  host = await startClinic();
});
test.afterAll(async () => {
  await host.stop();
});

/** Presses Tab until the focused element matches, failing after `max` presses. */
async function tabTo(page: Page, test: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test)) return;
  }
  throw new Error(`no focusable element matched ${test}`);
}

test('keyboard only: sign in, reach the pump screen and interrogate, with a visible focus', async ({ page }) => {
  await page.addInitScript(`localStorage.setItem('pump-language', 'en');`);
  await page.goto(host.url);
  await expect(page.locator('#username')).toBeVisible();
  await tabTo(page, `document.activeElement?.id === 'username'`);
  await page.keyboard.type('nurse.wang');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('signed-in-user')).toContainText('Nurse Wang');
  await tabTo(page, `document.activeElement?.getAttribute('data-testid') === 'interrogate'`);
  // The focused control is visibly marked (an outline or a focus shadow).
  const marked = await page.evaluate(`(() => { const s = getComputedStyle(document.activeElement); return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none'; })()`);
  expect(marked).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('pump-status').locator('[data-field="serial"]')).toHaveText('SIM000123');
});
