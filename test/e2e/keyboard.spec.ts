import { expect, test, type Page } from '@playwright/test';
import { clinicPerSpec, PASSWORD, writeOrder } from './clinic';

// One clinic for the spec, in order: the refill's order is for the dose the keyboard-only dose change set.
test.describe.configure({ mode: 'serial' });
const host = clinicPerSpec();

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
  const marked = await page.evaluate(
    `(() => { const s = getComputedStyle(document.activeElement); return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none'; })()`,
  );
  expect(marked).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('pump-status').locator('[data-field="serial"]')).toHaveText('SIM000123');
});

/** Moves through a menu with the down arrow, one item at a time (each move settles before the next), to the item named. */
async function arrowTo(page: Page, text: string, max = 8): Promise<void> {
  for (let i = 0; i < max; i++) {
    const current = await page.evaluate<string | null>('document.activeElement?.textContent ?? null');
    if (current === text) return;
    await page.keyboard.press('ArrowDown');
    // Polled from outside the page: the app's CSP rightly refuses the eval a page-side wait would use.
    await expect
      .poll(() => page.evaluate<string | null>('document.activeElement?.textContent ?? null'))
      .not.toBe(current);
  }
  throw new Error(`the menu has no item ${text}`);
}

/** The focused element is visibly marked (an outline or a focus shadow), on it or on the label that wraps it. */
const focusMarked = (page: Page) =>
  page.evaluate(`(() => {
    const marked = (el) => { if (!el) return false; const s = getComputedStyle(el); return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none'; };
    const el = document.activeElement;
    return marked(el) || marked(el?.closest('label')) || marked(el?.closest('.ant-checkbox-wrapper')?.querySelector('.ant-checkbox-inner')) || marked(el?.parentElement);
  })()`);
const focusedIs = (testId: string) =>
  `document.activeElement?.closest('[data-testid="${testId}"]') !== null || document.activeElement?.getAttribute('data-testid') === '${testId}'`;

/** Signs in by keyboard only: whoever is still signed in signs out first (Tab to "Sign out", Enter). */
async function signInByKeyboard(page: Page, username: string, displayName: string): Promise<void> {
  const signedIn = page.getByTestId('signed-in-user');
  await expect(page.locator('#username').or(signedIn)).toBeVisible();
  if (await signedIn.isVisible()) {
    await tabTo(
      page,
      `document.activeElement?.tagName === 'BUTTON' && document.activeElement.textContent === 'Sign out'`,
    );
    await page.keyboard.press('Enter');
    // Tabbing on waits for the sign-in form: the sign-out has ended the session.
    await expect(page.locator('#username')).toBeVisible();
  }
  await tabTo(page, `document.activeElement?.id === 'username'`);
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(signedIn).toContainText(displayName);
}

/** Opens a screen from the navigation by keyboard: Tab into the menu, arrow keys to the item, Enter. */
async function openNavByKeyboard(page: Page, name: string): Promise<void> {
  await tabTo(page, `document.activeElement?.closest('nav') !== null`);
  expect(await focusMarked(page)).toBe(true);
  await arrowTo(page, name);
  expect(await page.evaluate('document.activeElement?.getAttribute("role")')).toBe('menuitem');
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

test('keyboard only: the menu, a dose change and its Finish screen, to the read-back', async ({ page }) => {
  await page.addInitScript(`localStorage.setItem('pump-language', 'en');`);
  await page.goto(host.url);
  // The workstation may still have the nurse signed in from before: she signs out, by keyboard too.
  await signInByKeyboard(page, 'dr.li', 'Dr Li');
  await openNavByKeyboard(page, 'Programming');

  await tabTo(page, focusedIs('interrogate'));
  await page.keyboard.press('Enter');
  const dose = page.getByLabel('New daily dose (mg/day)');
  await expect(dose).toBeVisible();
  const doseId = (await dose.getAttribute('id')) ?? 'no id';
  await tabTo(page, `document.activeElement?.id === ${JSON.stringify(doseId)}`);
  await page.keyboard.type('3.3');
  // The check of 3.3 mg/day, not the one of the dose the form started with (shown until the new one
  // is fetched): the review button can be tabbed to only once it is enabled for what was typed.
  const live = page.getByTestId('live-check');
  await expect(live).toContainText('0.33 mL/day');
  await expect(live.getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'ok');
  await expect(page.getByTestId('review-button')).toBeEnabled();
  await tabTo(page, focusedIs('review-button'));
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.press('Enter');

  // The Finish screen: every control in reach, the witness signs, the pump is programmed.
  const finish = page.getByTestId('finish-screen');
  await expect(finish.getByTestId('review-table')).toContainText('+10 %');
  await tabTo(
    page,
    `document.activeElement?.id?.endsWith('username') === true && document.activeElement?.closest('[data-testid="witness-fields"]') !== null`,
  );
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.type('dr.chen');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await tabTo(page, focusedIs('program-button'));
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('program-outcome')).toHaveAttribute('data-outcome', 'confirmed');
});

test('keyboard only: a nurse’s refill through the wizard, from the order to the report', async ({ page }) => {
  await writeOrder(page, host, { concentration: '10', dailyDose: '3.3', fillVolumeMl: '20' });
  const labelled = (text: string) =>
    `(document.activeElement?.labels?.[0]?.textContent ?? '').startsWith(${JSON.stringify(text)})`;
  const button = (text: string) =>
    `document.activeElement?.tagName === 'BUTTON' && document.activeElement.textContent === ${JSON.stringify(text)}`;
  await signInByKeyboard(page, 'nurse.wang', 'Nurse Wang');
  await openNavByKeyboard(page, 'Refill');
  await tabTo(page, focusedIs('interrogate'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('refill-patient')).toContainText('Zhang Wei');

  // Order and patient: radio and checkbox by Space.
  await tabTo(
    page,
    `document.activeElement?.type === 'radio' && document.activeElement.closest('label')?.textContent?.includes('Morphine 10 mg/mL — 3.3 mg/day') === true`,
  );
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.press('Space');
  await tabTo(page, `document.activeElement?.type === 'checkbox'`);
  await page.keyboard.press('Space');
  await tabTo(page, `document.activeElement?.type === 'radio' && document.activeElement.value === 'none'`);
  await page.keyboard.press('Space');
  await tabTo(page, button('Next'));
  await page.keyboard.press('Enter');

  // The syringe, field by field.
  await tabTo(page, labelled('Label scan (GS1)'));
  await page.keyboard.type('(17)301231(10)MOR-KB1');
  for (const [label, text] of [
    ['Concentration', '10'],
    ['Syringe volume', '20'],
    ['Prepared by', 'Pharmacist Sun'],
    ['Checked by', 'Pharmacist Zhou'],
  ] as const) {
    await tabTo(page, labelled(label));
    await page.keyboard.type(text);
  }
  await expect(page.getByLabel('Lot')).toHaveValue('MOR-KB1');
  await tabTo(page, button('Next'));
  await page.keyboard.press('Enter');

  await tabTo(page, labelled('Volume withdrawn'));
  await page.keyboard.type('19');
  await tabTo(page, labelled('The reservoir was emptied completely (aspirated until nothing more came)'));
  await page.keyboard.press('Space');
  await expect(page.getByTestId('discrepancy')).toHaveAttribute('data-flag', 'true');
  // 19 mL out where the pump counted about 16: the acknowledgement, typed.
  await tabTo(page, labelled('What was checked'));
  await page.keyboard.type('Aspirated until nothing more came; no swelling at the pocket');
  await tabTo(page, labelled('The patient’s state'));
  await page.keyboard.type('Alert, no signs of overdose or withdrawal');
  await tabTo(page, button('Next'));
  await expect(page.locator(':focus')).toBeEnabled();
  await page.keyboard.press('Enter');
  await tabTo(page, labelled('Volume instilled'));
  await page.keyboard.type('20');
  await expect(page.getByTestId('refill-forecast')).toBeVisible();
  await tabTo(page, button('Next'));
  await expect(page.locator(':focus')).toBeEnabled();
  await page.keyboard.press('Enter');

  // Finish: the witness, then the pump is updated.
  await tabTo(page, labelled('Witness user name'));
  await page.keyboard.type('nurse.zhao');
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await tabTo(page, focusedIs('refill-submit'));
  expect(await focusMarked(page)).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('refill-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  await tabTo(page, button('Print report and card'));
  expect(await focusMarked(page)).toBe(true);
});
