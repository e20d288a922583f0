import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { PASSWORD, clinicPerSpec, openNav, signIn } from './clinic';

// Each test signs in four times and changes a password: full-cost scrypt, slow on a busy machine.
test.describe.configure({ mode: 'serial', timeout: 240_000 });
const host = clinicPerSpec();

type Api = { patients: { search: (i: unknown) => Promise<{ ok: boolean; error?: { code: string } }> } };
/** What the page's own API bridge answers for a patient search: the server decides, not the screen. */
const searchFromPage = (page: Page) =>
  page.evaluate(async () => (globalThis as unknown as { pumpApi: Api }).pumpApi.patients.search({ query: '' }));

/** The administrator sets a new password for a user from the Users screen, then signs out. */
async function resetAs(page: Page, language: 'en' | 'zh-CN', displayName: string, password: string) {
  await signIn(page, host, 'admin', language);
  const en = language === 'en';
  await openNav(page, en ? 'Users' : '用户');
  const row = page.getByRole('row').filter({ hasText: displayName });
  await row.getByRole('button', { name: en ? 'Reset password' : '重置密码' }).click();
  await row.getByLabel(en ? `New password for ${displayName}` : `${displayName} 的新密码`).fill(password);
  await row.getByRole('button', { name: en ? 'Set password' : '设置密码' }).click();
  await expect(row.getByRole('status')).toBeVisible();
  await page.getByRole('button', { name: en ? 'Sign out' : '退出登录' }).click();
  await expect(page.locator('#username')).toBeVisible();
}

async function signInWith(page: Page, username: string, password: string) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('form button[type="submit"]').click();
}

test('en: reset by the administrator → sign in → the change is forced → work', async ({ page }) => {
  await resetAs(page, 'en', 'Dr Li Ming', 'given by the admin 42');
  await signInWith(page, 'dr.li', 'given by the admin 42');
  await expect(page.getByRole('heading', { name: 'Choose your own password' })).toBeVisible();
  await expect(page.getByTestId('password-change-required')).toContainText('An administrator set your password');
  // Nothing of the signed-in shell, and the server refuses the work itself.
  await expect(page.getByTestId('signed-in-user')).toHaveCount(0);
  expect(await searchFromPage(page)).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
  await expectNoSeriousA11yViolations(page);

  // The rule is explained before anything is sent.
  await page.getByLabel('Current password').fill('given by the admin 42');
  await page.getByLabel('New password', { exact: true }).fill('password123');
  await page.getByLabel('New password again').fill('password123');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('This is one of the most common passwords')).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  // A wrong current password is refused by the server, translated.
  await page.getByLabel('Current password').fill('not what the admin gave');
  await page.getByLabel('New password', { exact: true }).fill('lantern orchard 7 sails');
  await page.getByLabel('New password again').fill('lantern orchard 7 sails');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('error-alert')).toContainText('Wrong user name or password');

  await page.getByLabel('Current password').fill('given by the admin 42');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText('Dr Li Ming');
  await openNav(page, 'Patients');
  expect(await searchFromPage(page)).toMatchObject({ ok: true });
  await page.screenshot({ path: 'docs/screenshots/forced-password-change-done-en.png' });

  // Self-service change from the shell, with the new password, and back to PASSWORD afterwards.
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { name: 'Change your password' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('Current password').fill('lantern orchard 7 sails');
  await page.getByLabel('New password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('New password again').fill(PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId('password-changed')).toContainText('Your password was changed.');
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { name: 'Change your password' })).toHaveCount(0);
});

test('zh-CN: reset by the administrator → sign in → the change is forced → work', async ({ page }) => {
  await resetAs(page, 'zh-CN', 'Nurse Wang Fang', 'given by the admin 43');
  await signInWith(page, 'nurse.wang', 'given by the admin 43');
  await expect(page.getByRole('heading', { name: '设置您自己的密码' })).toBeVisible();
  await expect(page.getByTestId('password-change-required')).toContainText('您的密码由管理员设置');
  expect(await searchFromPage(page)).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
  await page.screenshot({ path: 'docs/screenshots/forced-password-change-zh-CN.png' });
  await expectNoSeriousA11yViolations(page);

  await page.getByLabel('当前密码').fill('given by the admin 43');
  await page.getByLabel('新密码', { exact: true }).fill('nurse.wang2026');
  await page.getByLabel('再次输入新密码').fill('nurse.wang2026');
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByText('不能只是在用户名前后加数字或符号')).toBeVisible();
  await page.getByLabel('新密码', { exact: true }).fill('平安 夜 灯笼 1314');
  await page.getByLabel('再次输入新密码').fill('平安 夜 灯笼 1315');
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByText('两次输入的新密码不一致')).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('再次输入新密码').fill('平安 夜 灯笼 1314');
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText('Nurse Wang Fang');
  await openNav(page, '患者');
  expect(await searchFromPage(page)).toMatchObject({ ok: true });

  // The new password is the one that signs in now.
  await page.getByRole('button', { name: '退出登录' }).click();
  await signInWith(page, 'nurse.wang', 'given by the admin 43');
  await expect(page.getByTestId('error-alert')).toContainText('用户名或密码错误');
  await signInWith(page, 'nurse.wang', '平安 夜 灯笼 1314');
  await expect(page.getByTestId('signed-in-user')).toContainText('Nurse Wang Fang');
});
