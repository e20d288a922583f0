import { readStore } from './store';
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, openNav, signIn } from './clinic';

const host = clinicPerSpec();
/** Runs in the page before the app: start in English whatever the browser's language. */
const ENGLISH = `localStorage.setItem('pump-language', 'en');`;

test('a nurse interrogates the simulated pump: the dashboard, and the reading on disk', async ({ page }) => {
  await signIn(page, host, 'nurse.wang');
  await expect(page.getByTestId('training-banner')).toContainText('TRAINING MODE');
  await expect(page).not.toHaveURL(/token=/); // the token leaves the address bar

  await expect(page.getByTestId('wand-status')).toHaveText('Wand not connected');
  await page.getByRole('button', { name: 'Interrogate' }).click();
  const status = page.getByTestId('pump-status');
  await expect(status.locator('[data-field="serial"]')).toHaveText('SIM000123');
  await expect(page.getByTestId('wand-status')).toHaveText(/Pump found · link \d+ %/);
  await expect(status.locator('[data-field="drug"]')).toHaveText('Morphine');
  await expect(status.locator('[data-field="concentration"]')).toHaveText('10 mg/mL');
  await expect(status.locator('[data-field="mode"]')).toHaveText('Simple continuous');
  await expect(status.locator('[data-field="dailyDose"]')).toHaveText('3 mg/day');
  await expect(status.locator('[data-field="reservoir"]')).toContainText('mL');
  // The reservoir as the pump reported it, to the µL and never rounded to 0.1 mL (checked below against the record).
  const reservoirShown = await status.locator('[data-field="reservoir"] strong').textContent();
  expect(reservoirShown).toMatch(/^\d+\.\d{1,3} mL$/);
  await expect(status.locator('[data-field="alarms"]')).toHaveText('None');
  await expect(status.locator('[data-field="pumpTime"]')).toContainText('ahead of this computer'); // the simulated pump runs fast
  await expect(page.getByTestId('pump-patient')).toContainText('Zhang Wei (P-0001)');
  await expect(page.getByTestId('forecast')).toContainText('Next refill by');
  const saved = await page.getByTestId('saved-note').textContent();
  const recordId = Number(/#(\d+)/.exec(saved ?? '')?.[1]);
  await page.screenshot({ path: 'docs/screenshots/interrogation-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);

  // The clock drift is corrected and logged.
  await page.getByRole('button', { name: 'Set pump clock' }).click();
  await expect(page.getByText(/Pump clock set: was \d+ s off, now -?[0-2] s/)).toBeVisible();
  await page.getByRole('button', { name: 'Alarm test' }).click();
  await expect(page.getByText('The pump played its alarm tones.', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'Read event log' }).click();
  const log = page.getByTestId('event-log');
  await expect(log).toContainText('Clock set');
  await expect(log).toContainText('Alarm test');
  await expectNoSeriousA11yViolations(page);

  // The record is in the SQLite file itself, read by a separate connection.
  const db = readStore(host.databasePath);
  try {
    const row = db.prepare('SELECT pump_serial, status_json FROM interrogations WHERE id = ?').get(recordId) as
      { pump_serial: string; status_json: string } | undefined;
    expect(row?.pump_serial).toBe('SIM000123');
    const recorded = JSON.parse(row?.status_json ?? '{}') as { reservoirVolume?: { value: string } };
    expect(recorded).toMatchObject({ dailyDose: { value: '3', unit: 'mg/day' } });
    expect(reservoirShown).toBe(`${recorded.reservoirVolume?.value ?? '?'} mL`);
    const actions = db
      .prepare(
        `SELECT action, actor, outcome FROM audit_log WHERE action IN ('pump.interrogate', 'pump.clock.set', 'pump.clock.set.outcome', 'pump.alarmTest') ORDER BY seq`,
      )
      .all();
    expect(actions).toEqual([
      { action: 'pump.interrogate', actor: 'nurse.wang', outcome: 'confirmed' },
      // What was about to be sent is recorded before the pump is told, then what it read back.
      { action: 'pump.clock.set', actor: 'nurse.wang', outcome: 'pending' },
      { action: 'pump.clock.set.outcome', actor: 'nurse.wang', outcome: 'confirmed' },
      { action: 'pump.alarmTest', actor: 'nurse.wang', outcome: 'confirmed' },
    ]);
  } finally {
    db.close();
  }
});

test('the same slice in Chinese, switching language while signed in', async ({ page }) => {
  await signIn(page, host, 'nurse.wang');
  await page.getByRole('radiogroup', { name: 'Language' }).getByText('中文').click();
  await expect(page.getByTestId('training-banner')).toContainText('培训模式（模拟泵）');
  await page.getByRole('button', { name: '读取泵信息' }).click();
  const status = page.getByTestId('pump-status');
  await expect(status.locator('[data-field="drug"]')).toHaveText('吗啡');
  await expect(status.locator('[data-field="mode"]')).toHaveText('简单持续输注');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('navigation').getByRole('menuitem', { name: '加药', exact: true })).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/interrogation-zh-CN.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
});

test('a page without the token is told how to connect, in its language', async ({ page }) => {
  await page.addInitScript(ENGLISH);
  await page.goto(host.url.replace(/#.*$/, ''));
  await expect(page.getByRole('alert')).toContainText('Open the address the web host printed');
});

test('roles see only their own navigation', async ({ page }) => {
  await signIn(page, host, 'admin');
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('menuitem')).toHaveText([
    'Patients',
    'Audit trail',
    'Users',
    'Drug library',
    'Site settings',
  ]);
  await signIn(page, host, 'dr.li');
  await expect(nav.getByRole('menuitem')).toHaveText([
    'Pump',
    'Programming',
    'Refill-only visit',
    'Refill',
    'Needs review',
    'Patients',
    'Audit trail',
  ]);
  await signIn(page, host, 'nurse.wang');
  await expect(nav.getByRole('menuitem')).toHaveText([
    'Pump',
    'Refill-only visit',
    'Refill',
    'Needs review',
    'Patients',
    'Audit trail',
  ]);
  await openNav(page, 'Patients');
  await expect(page.getByTestId('patients-table')).toContainText('Zhang Wei');
});
