import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { interrogate, openNav, signIn } from './clinic';
import { startBuiltWebHost, type RunningHost } from './web-host';

// A signature the audit trail owes, for real: the key folder cannot be written (for root, whom
// chmod does not stop, its own tmpfs remounted read-only; for anyone else chmod 0500) when the
// user signs out, which signs the trail. Sign-out still completes; the debt is alarmed, and it
// survives a restart of the web host process: the new process finds it on disk and alarms it too.

test.describe.configure({ mode: 'serial' });

const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
const mount = (...args: string[]) => spawnSync('mount', args).status === 0;
let dir: string;
let keyDir: string;
let mounted = false;
let host: RunningHost | undefined;

const unwritable = () =>
  expect(asRoot ? mount('-o', 'remount,ro', keyDir) : (chmodSync(keyDir, 0o500), true)).toBe(true);
const writable = () => expect(asRoot ? mount('-o', 'remount,rw', keyDir) : (chmodSync(keyDir, 0o700), true)).toBe(true);

const start = (): Promise<RunningHost> => startBuiltWebHost([], undefined, undefined, { dir });

const ALARM = {
  en: 'The audit trail is not fully recorded or signed yet',
  'zh-CN': '审计追踪尚未完整记录或签名',
} as const;
// What is owed, named by the server (bookkeepingNotSigned) and said in the reader's language.
const OWED = { en: 'the audit trail is not signed yet', 'zh-CN': '审计追踪尚未签名' } as const;

async function expectAlarm(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  const alarm = page.getByTestId('bookkeeping-alarm');
  await expect(alarm).toBeVisible();
  await expect(alarm).toHaveAttribute('role', 'alert');
  await expect(alarm).toContainText(ALARM[language]);
  await expect(alarm).toContainText(OWED[language]);
  if (language !== 'en') await expect(alarm).not.toContainText(OWED.en);
  await expectNoSeriousA11yViolations(page);
}

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pump-e2e-owed-'));
  keyDir = join(dir, 'keys');
  mkdirSync(keyDir, { mode: 0o700 });
  mounted = asRoot && mount('-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', keyDir);
  if (asRoot && !mounted) throw new Error('mount a tmpfs (root): needed to make the key folder read-only for root');
  const seeded = spawnSync(process.execPath, ['dist/test/seed-clinic.cjs', join(dir, 'programmer.sqlite'), keyDir], {
    encoding: 'utf8',
  });
  if (seeded.status !== 0) throw new Error(seeded.stderr);
});

test.afterAll(async () => {
  await host?.stop();
  if (mounted) spawnSync('umount', [keyDir]);
  else chmodSync(keyDir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

test('sign-out with the key folder unwritable completes, and the owed signature is alarmed', async ({ page }) => {
  host = await start();
  await signIn(page, host, 'dr.li', 'en');
  await expect(page.getByTestId('bookkeeping-alarm')).toBeHidden();
  unwritable();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.locator('#username')).toBeVisible();
  await expect(page.getByTestId('signed-in-user')).toBeHidden();
  await signIn(page, host, 'nurse.wang', 'en');
  await expectAlarm(page, 'en');
});

test('the owed signature survives a restart of the web host process: alarmed in both languages, then made', async ({
  page,
  browser,
}) => {
  await host?.stop(); // the process ends (SIGTERM) while the key folder is still read-only
  host = await start(); // a new process on the same database file and key folder
  await signIn(page, host, 'dr.li', 'en');
  await expectAlarm(page, 'en');
  const context = await browser.newContext(); // axe needs a page of a context of its own
  const zh = await context.newPage();
  await signIn(zh, host, 'dr.li', 'zh-CN');
  await expectAlarm(zh, 'zh-CN');
  await zh.screenshot({ path: 'docs/screenshots/bookkeeping-alarm-zh-CN.png', fullPage: true });

  // The folder can be written again: the next interrogation retries the bookkeeping first, and the alarm ends.
  writable();
  await openNav(zh, '泵');
  await interrogate(zh);
  await expect(zh.getByTestId('bookkeeping-alarm')).toBeHidden({ timeout: 30_000 });
  await context.close();
});
