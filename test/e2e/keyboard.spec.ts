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

/** The focused element is visibly marked (an outline or a focus shadow), on it or on the label that wraps it. */
const focusMarked = (page: Page) =>
  page.evaluate(`(() => {
    const marked = (el) => { if (!el) return false; const s = getComputedStyle(el); return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none'; };
    const el = document.activeElement;
    return marked(el) || marked(el?.closest('label')) || marked(el?.closest('.ant-checkbox-wrapper')?.querySelector('.ant-checkbox-inner')) || marked(el?.parentElement);
  })()`);
const focusedIs = (testId: string) => `document.activeElement?.closest('[data-testid="${testId}"]') !== null || document.activeElement?.getAttribute('data-testid') === '${testId}'`;

test('keyboard only: the menu, a dose change and its Finish screen, to the read-back', async ({ page }) => {
  await page.addInitScript(`localStorage.setItem('pump-language', 'en');`);
  await page.goto(host.url);
  // The workstation may still have the nurse signed in from before: she signs out, by keyboard too.
  const signedIn = page.getByTestId('signed-in-user');
  await expect(page.locator('#username').or(signedIn)).toBeVisible();
  if (await signedIn.isVisible()) {
    await tabTo(page, `document.activeElement?.textContent === 'Sign out'`);
    await page.keyboard.press('Enter');
  }
  await tabTo(page, `document.activeElement?.id === 'username'`);
  await page.keyboard.type('dr.li');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('signed-in-user')).toContainText('Dr Li');

  // The navigation menu: reached by Tab, moved with the arrow keys, opened with Enter.
  await tabTo(page, `document.activeElement?.closest('nav') !== null`);
  expect(await focusMarked(page)).toBe(true);
  for (let i = 0; i < 5 && (await page.evaluate('document.activeElement?.textContent')) !== 'Programming'; i++) await page.keyboard.press('ArrowDown');
  expect(await page.evaluate('document.activeElement?.getAttribute("role")')).toBe('menuitem');
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Programming' })).toBeVisible();

  await tabTo(page, focusedIs('interrogate'));
  await page.keyboard.press('Enter');
  const dose = page.getByLabel('New daily dose (mg/day)');
  await expect(dose).toBeVisible();
  const doseId = (await dose.getAttribute('id')) ?? 'no id';
  await tabTo(page, `document.activeElement?.id === ${JSON.stringify(doseId)}`);
  await page.keyboard.type('3.3');
  await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'ok');
  await tabTo(page, focusedIs('review-button'));
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.press('Enter');

  // The Finish screen: every control in reach, the witness signs, the pump is programmed.
  const finish = page.getByTestId('finish-screen');
  await expect(finish.getByTestId('review-table')).toContainText('+10 %');
  await tabTo(page, `document.activeElement?.id?.endsWith('username') === true && document.activeElement?.closest('[data-testid="witness-fields"]') !== null`);
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.type('dr.chen');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await tabTo(page, focusedIs('program-button'));
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('program-outcome')).toHaveAttribute('data-outcome', 'confirmed');
});
