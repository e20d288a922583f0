import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, interrogate, openNav, PASSWORD, signIn } from './clinic';
import { storeRows } from './store-rows';

// The programming screen in English, on one clinic database, in order: a change past a soft limit
// (the program the later tests start from), a hard limit, and the bolus calculators.
test.describe.configure({ mode: 'serial' });
const host = clinicPerSpec();

const auditRows = (sql: string, ...params: unknown[]) => storeRows(host, sql, ...params);

test('a physician raises the dose past a soft limit: acknowledgement with a reason, witness, read-back confirmed', async ({
  page,
}) => {
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Programming');
  await interrogate(page);
  const dose = page.getByLabel('New daily dose (mg/day)');
  await dose.fill('4.2');
  // Live check against the library while typing: +40 % is over the 30 % non-cancer soft limit.
  const live = page.getByTestId('live-check');
  await expect(live.getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'soft');
  await expect(live).toContainText('0.42 mL/day');
  await page.getByTestId('review-button').click();

  const finish = page.getByTestId('finish-screen');
  await expect(finish.getByTestId('review-table')).toContainText('3 mg/day');
  await expect(finish.getByTestId('review-table')).toContainText('+40 %');
  await expect(finish.getByTestId('totals')).toContainText('4.2 mg/day');
  await expect(finish.getByTestId('totals')).toContainText('0.175 mg/h');
  await expect(finish.getByTestId('library-verdict')).toContainText('above the soft limit of 30 %');
  await expect(finish.getByTestId('witness-fields')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/finish-screen-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);

  // Without the acknowledgement the form does not go.
  await page.getByTestId('program-button').click();
  await expect(finish).toContainText('Tick to acknowledge the soft limits');
  await finish.getByRole('checkbox').check();
  await finish
    .getByLabel('Reason (recorded in the audit trail)')
    .fill('Pain uncontrolled at VAS 7; discussed with the patient');
  await finish.getByLabel('Witness user name').fill('dr.chen');
  await finish.getByLabel('Witness password').fill(PASSWORD);
  await page.getByTestId('program-button').click();
  await expect(page.getByTestId('program-outcome')).toHaveAttribute('data-outcome', 'confirmed');
  await page.screenshot({ path: 'docs/screenshots/programmed-en.png', fullPage: true });

  const [intent] = auditRows(
    `SELECT actor, witness, reason, acks_json FROM audit_log WHERE action = 'pump.program' AND outcome = 'pending'`,
  );
  expect(intent).toMatchObject({
    actor: 'dr.li',
    witness: 'dr.chen',
    reason: 'Pain uncontrolled at VAS 7; discussed with the patient',
  });
  expect(String(intent?.['acks_json'])).toContain('INCREASE_PERCENT_ABOVE_MAX');
  expect(auditRows(`SELECT outcome FROM audit_log WHERE action = 'pump.program.outcome'`)).toEqual([
    { outcome: 'confirmed' },
  ]);
});

test('a hard limit stops the change: nothing can be sent', async ({ page }) => {
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Programming');
  await interrogate(page);
  await page.getByLabel('New daily dose (mg/day)').fill('30');
  await expect(page.getByTestId('live-check').getByTestId('library-verdict')).toHaveAttribute('data-verdict', 'hard');
  await page.getByTestId('review-button').click();
  await expect(page.getByTestId('finish-screen').getByTestId('library-verdict')).toContainText(
    'above the hard maximum of 25 mg/day',
  );
  await expect(page.getByTestId('program-button')).toBeDisabled();
  await expect(page.getByText('A hard limit stops this change. Nothing will be sent to the pump.')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/hard-limit-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  expect(auditRows(`SELECT count(*) AS n FROM programming_sessions`)).toEqual([{ n: 1 }]);
});

test('the priming and bridge bolus calculators use the model data and the pump’s drug, and send nothing', async ({
  page,
}) => {
  await signIn(page, host, 'dr.li');
  await openNav(page, 'Programming');
  await interrogate(page);
  const helpers = page.getByTestId('bolus-helpers');
  await helpers.locator('#priming_lengthCm').fill('60');
  const priming = page.getByTestId('priming-result');
  await expect(priming).toContainText('0.35 mL');
  await expect(priming).toContainText('0.7 h');
  await expect(priming).toContainText('3.5 mg Morphine');
  await expect(helpers).toContainText('Drug reaches the patient before the priming bolus ends');
  await helpers.getByRole('tab', { name: 'Bridge bolus' }).click();
  await helpers.getByLabel('New concentration').fill('25');
  await helpers.locator('#bridge_lengthCm').fill('40');
  const bridge = page.getByTestId('bridge-result');
  await expect(bridge).toContainText('0.3 mL'); // 0.2 mL tubing + 40 cm × 0.0025 mL/cm
  await expect(bridge).toContainText('0.42 mL/day'); // 4.2 mg/day at 10 mg/mL, until the old drug is flushed
  await expect(bridge).toContainText('0.168 mL/day'); // then 4.2 mg/day at 25 mg/mL
  await page.screenshot({ path: 'docs/screenshots/bolus-helpers-en.png', fullPage: true });
  await expectNoSeriousA11yViolations(page);
  expect(auditRows(`SELECT count(*) AS n FROM programming_sessions`)).toEqual([{ n: 1 }]);
});
