import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, openNav } from './clinic';
import { startBuiltWebHost } from './web-host';

test.describe.configure({ mode: 'serial' });
const host = clinicPerSpec(() => startBuiltWebHost());

const ADMIN_PASSWORD = 'a long admin passphrase';
const NURSE_PASSWORD = 'nurse passphrase 1';

test('first run: the administrator is created, then creates a nurse', async ({ page }) => {
  await page.addInitScript(`localStorage.setItem('pump-language', 'en');`);
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: 'Create the first administrator' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Full name').fill('Site Admin');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create administrator and sign in' }).click();
  await expect(page.getByText('At least 10 characters')).toBeVisible();
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Create administrator and sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText('Site Admin');

  await openNav(page, 'Users');
  await page.getByLabel('User name').fill('nurse.wang');
  await page.getByLabel('Full name').fill('Nurse Wang');
  await page.getByLabel('Password').fill(NURSE_PASSWORD);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('cell', { name: 'nurse.wang' })).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/users-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('a wrong password is refused in the user’s language; the idle lock comes down and the same user unlocks', async ({
  page,
}) => {
  await page.clock.install();
  await page.addInitScript(`localStorage.setItem('pump-language', 'zh-CN');`);
  await page.goto(host.url);
  await page.getByLabel('用户名').fill('nurse.wang');
  await page.getByLabel('密码').fill('wrong password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toContainText('用户名或密码错误');
  await page.getByLabel('密码').fill(NURSE_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText('Nurse Wang');

  // Five minutes without a touch (the site default): the workstation locks itself.
  await page.clock.fastForward('05:01');
  await expect(page.getByTestId('lock-screen')).toContainText('Nurse Wang');
  await page.screenshot({ path: 'docs/screenshots/locked-zh-CN.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('密码').fill(NURSE_PASSWORD);
  await page.getByRole('button', { name: '解锁' }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText('Nurse Wang');
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
});

test('a workstation that has not chosen a language starts in the site’s default (zh-CN)', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByRole('radiogroup', { name: '语言' }).getByText('English').click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible(); // the choice is remembered
});

test('the administrator resets a forgotten password and disables an account; a disabled user cannot sign in', async ({
  page,
}) => {
  await page.addInitScript(`localStorage.setItem('pump-language', 'en');`);
  await page.goto(host.url);
  const signInAs = async (username: string, password: string) => {
    await expect(page.getByTestId('signed-in-user')).toBeHidden();
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(password);
    await page.locator('form button[type="submit"]').click();
  };
  await signInAs('admin', ADMIN_PASSWORD);
  await openNav(page, 'Users');
  // The new-user form's fields have ids of their own: typing at the sign-in form right after signing
  // out must never land in this screen's user name and password.
  await expect(page.locator('#username, #password')).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: 'nurse.wang' });
  await row.getByRole('button', { name: 'Reset password' }).click();
  await row.getByLabel('New password for Nurse Wang').fill('a new nurse passphrase');
  await row.getByRole('button', { name: 'Set password' }).click();
  await expect(row.getByRole('status')).toContainText('Password set');
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row).toContainText('Disabled');
  // The administrator cannot lock themselves out.
  await page.getByRole('row').filter({ hasText: 'Site Admin' }).getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Site Admin' }).getByTestId('error-alert')).toContainText(
    'your own account',
  );
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Sign out' }).click();

  await signInAs('nurse.wang', 'a new nurse passphrase');
  await expect(page.getByTestId('error-alert')).toContainText('Wrong user name or password');
  await signInAs('admin', ADMIN_PASSWORD);
  await openNav(page, 'Users');
  await page.getByRole('row').filter({ hasText: 'nurse.wang' }).getByRole('button', { name: 'Enable' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'nurse.wang' })).toContainText('Active');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs('nurse.wang', NURSE_PASSWORD);
  await expect(page.getByTestId('error-alert')).toBeVisible(); // the old password no longer works
  await signInAs('nurse.wang', 'a new nurse passphrase');
  test.slow(); // ten full-cost password checks, and the forced change
  // A password the administrator set is replaced by the user's own before anything else.
  await expect(page.getByRole('heading', { name: 'Choose your own password' })).toBeVisible();
  await page.getByLabel('Current password').fill('a new nurse passphrase');
  await page.getByLabel('New password', { exact: true }).fill(NURSE_PASSWORD);
  await page.getByLabel('New password again').fill(NURSE_PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText('Nurse Wang');
});
