import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, openNav, PASSWORD, recordOpioidTolerance, signIn, writeOrder } from './clinic';
import { readStore } from './store';

// One clinic, in order: each visit refills the training pump (morphine 10 mg/mL, 3 mg/day), on a
// 1366×768 clinic screen.
test.use({ viewport: { width: 1366, height: 768 } });
test.describe.configure({ mode: 'serial' });
// Whole visits with several sign-ins and accessibility scans: more than the default time on a busy machine.
test.slow();
const host = clinicPerSpec();

/** The pharmacy's label: GTIN, expiry, lot, net volume 20 mL, drug, concentration, prepared and checked by. */
const LABEL =
  '(01)09506000134352(17)301231(10)MOR-7781(3153)000020(91)MORPHINE(92)10MG/ML(93)Pharmacist Sun(94)Pharmacist Zhou';

const rows = (sql: string) => {
  const db = readStore(host.databasePath);
  try {
    return db.prepare(sql).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
};

/**
 * Counts every tap and click the page receives from now on (trusted pointer presses, as a finger or
 * a mouse makes them; typing and the scanner are keyboard input) and records each print of the page.
 * The app is one page: nothing reloads it during the visit.
 */
async function countTaps(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.taps = 0;
    window.printed = 0;
    window.addEventListener('pointerdown', (e) => { if (e.isTrusted) window.taps += 1; }, { capture: true });
    // The print dialog itself is the browser's: the page asked for it, with the card on screen.
    window.print = () => { if (document.querySelector('[data-testid="patient-card"]') !== null) window.printed += 1; };
  })()`);
}
const taps = (page: Page) => page.evaluate<number>('window.taps');
const printed = (page: Page) => page.evaluate<number>('window.printed');

/** What the pump counts in its reservoir now (the refill preview's expected residual), read through the page's API. */
async function expectedResidual(page: Page): Promise<string> {
  type Api = { refill: { preview: (i: unknown) => Promise<{ ok: boolean; value?: { expectedResidualMl: string } }> } };
  const r = await page.evaluate(async () =>
    (globalThis as unknown as { pumpApi: Api }).pumpApi.refill.preview({ withdrawnMl: '0' }),
  );
  return r.value?.expectedResidualMl ?? '';
}

const words = {
  en: {
    nav: 'Refill-only visit',
    identity: 'Patient and order checked (two identifiers)',
    noSymptoms: 'No signs of overdose or withdrawal',
    nextRefill: 'Next refill by',
    mgPerDay: 'mg/day',
    mlPerDay: 'mL/day',
  },
  'zh-CN': {
    nav: '单纯加药',
    identity: '已核对患者和医嘱（两种身份识别信息）',
    noSymptoms: '无过量或戒断征象',
    nextRefill: '最晚加药日期',
    mgPerDay: 'mg/天',
    mlPerDay: 'mL/天',
  },
} as const;

for (const language of ['en', 'zh-CN'] as const) {
  test(`a refill-only visit with a label scan, from opening it to the printed card, in 12 taps or fewer (${language})`, async ({
    page,
  }) => {
    const w = words[language];
    if (language === 'en') await recordOpioidTolerance(page, host);
    await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' }, language);
    await signIn(page, host, 'nurse.wang', language);
    await countTaps(page);

    await openNav(page, w.nav); // 1
    await page.getByTestId('interrogate').first().click(); // 2
    await expect(page.getByTestId('visit-possible')).toBeVisible();
    await expect(page.getByTestId('pump-banner')).toContainText('Zhang Wei');
    await expect(page.getByTestId('pump-banner')).toContainText('SIM000123');
    await page.getByLabel(w.identity).check(); // 3
    await page.getByLabel(w.noSymptoms).check(); // 4
    await expectNoSeriousA11yViolations(page);
    await page.getByTestId('visit-next').click(); // 5

    // The scanner types into the focused field: every syringe field comes from the label, checked against the order.
    await expect(page.locator('#visit_barcode')).toBeFocused();
    await page.keyboard.type(LABEL);
    await expect(page.locator('#visit_lot')).toHaveValue('MOR-7781');
    await expect(page.locator('#visit_volumeMl')).toHaveValue('20');
    await expect(page.locator('#visit_checkedBy')).toHaveValue('Pharmacist Zhou');
    await expect(page.getByTestId('syringe-matches')).toBeVisible();
    await expect(page.getByTestId('pump-banner')).toContainText('Zhang Wei');
    await expectNoSeriousA11yViolations(page);
    await page.getByTestId('visit-next').click(); // 6

    const residual = await expectedResidual(page);
    await expect(page.locator('#visit_withdrawnMl')).toBeFocused();
    await page.keyboard.type(residual);
    await page.getByTestId('reservoir-emptied').check(); // 7
    await expect(page.getByTestId('discrepancy')).toHaveAttribute('data-flag', 'false');
    // The figures of what was typed are in (the ones shown meanwhile are the last preview's, with
    // Next held back): the page is checked at rest.
    await expect(page.getByTestId('visit-next')).toBeEnabled();
    await expectNoSeriousA11yViolations(page);
    await page.getByTestId('visit-next').click(); // 8

    await expect(page.locator('#visit_instilledMl')).toBeFocused();
    await page.keyboard.type('20');
    await expect(page.getByTestId('refill-forecast')).toContainText(w.nextRefill);
    await page.getByTestId('visit-next').click(); // 9

    // Finish: the program before and after, identical, row by row; the witness signs.
    const finish = page.getByTestId('visit-finish');
    await expect(finish.getByTestId('program-compare')).toHaveAttribute('data-identical', 'true');
    await expect(finish.getByTestId('program-compare')).toContainText(`3 ${w.mgPerDay}`);
    await expect(finish.getByTestId('program-compare')).toContainText(`0.3 ${w.mlPerDay}`);
    await expect(page.locator('#visit_witness_username')).toBeFocused();
    // The Finish opens at the top: the title, the patient and pump, the comparison, the witness and
    // the button all in view on the 1366×768 screen, without scrolling.
    expect(await page.evaluate<number>('window.scrollY')).toBe(0);
    for (const [what, locator] of [
      ['title', page.getByRole('heading', { level: 2, name: w.nav })],
      ['patient and pump', page.getByTestId('pump-banner')],
      ['program before and after', finish.getByTestId('program-compare')],
      ['witness', page.locator('#visit_witness_username')],
      ['button', page.getByTestId('visit-submit')],
    ] as const)
      await expect(locator, what).toBeInViewport({ ratio: 1 });
    await page.keyboard.type('nurse.zhao');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: `docs/screenshots/refill-visit-finish-${language}.png`, fullPage: true });
    await page.getByTestId('visit-submit').click(); // 10

    await expect(page.getByTestId('refill-outcome')).toHaveAttribute('data-outcome', 'confirmed');
    // The report: the program read back after the refill is the program before it.
    await expect(page.getByTestId('program-compare')).toHaveAttribute('data-identical', 'true');
    await expect(page.getByTestId('patient-card')).toContainText('Zhang Wei');
    await expectNoSeriousA11yViolations(page);
    await page.getByTestId('visit-print').click(); // 11
    expect(await printed(page)).toBe(1);
    const count = await taps(page);
    expect(count).toBe(11);
    expect(count).toBeLessThanOrEqual(12);

    const [audit] = rows(
      `SELECT new_json AS n FROM audit_log WHERE action = 'refill.record' ORDER BY seq DESC LIMIT 1`,
    );
    expect(JSON.parse(String(audit?.['n']))).toMatchObject({
      refillOnly: true,
      instilledMl: '20',
      lot: 'MOR-7781',
      discrepancyFlag: false,
    });
    expect(
      rows(
        `SELECT syringe_lot AS lot, syringe_expiry AS expiry, prepared_by AS preparedBy, checked_by AS checkedBy, instilled_ml AS instilled FROM refills ORDER BY id DESC LIMIT 1`,
      ),
    ).toEqual([
      {
        lot: 'MOR-7781',
        expiry: '2030-12-31',
        preparedBy: 'Pharmacist Sun',
        checkedBy: 'Pharmacist Zhou',
        instilled: '20',
      },
    ]);
  });
}

test('an order the visit cannot do is caught when it is chosen, before anything is withdrawn, and goes to the full refill', async ({
  page,
}) => {
  await writeOrder(page, host, { concentration: '10', dailyDose: '4', fillVolumeMl: '20' });
  await signIn(page, host, 'nurse.wang');
  await openNav(page, 'Refill-only visit');
  await page.getByTestId('interrogate').first().click();
  const refused = page.getByTestId('visit-not-possible');
  await expect(refused).toContainText('Nothing has been withdrawn');
  await expect(refused).toContainText('The order is for another daily dose than the pump delivers.');
  await expect(page.getByTestId('visit-next')).toBeDisabled();
  await expect(page.getByLabel('Patient and order checked (two identifiers)')).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await page.getByTestId('open-full-refill').click();
  // The full wizard, with the order chosen, says in plain words why it cannot be filled as it stands.
  await expect(page.getByRole('heading', { name: 'Refill', exact: true })).toBeVisible();
  await expect(page.getByRole('radio', { name: /Morphine 10 mg\/mL — 4 mg\/day/ })).toBeChecked();
  await expect(page.getByTestId('order-problem')).toContainText('the physician changes the dose in Programming');
  expect(rows(`SELECT count(*) AS n FROM audit_log WHERE action = 'refill.record'`)).toEqual([{ n: 2 }]);
});

test('the discrepancy acknowledgement keeps every keystroke while the figures of a change are fetched', async ({
  page,
}) => {
  await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' });
  await signIn(page, host, 'nurse.wang');
  await openNav(page, 'Refill-only visit');
  await page.getByTestId('interrogate').first().click();
  await expect(page.getByTestId('visit-possible')).toBeVisible();
  await page.getByLabel('Patient and order checked (two identifiers)').check();
  await page.getByLabel('No signs of overdose or withdrawal').check();
  await page.getByTestId('visit-next').click();
  await page.locator('#visit_barcode').fill(LABEL);
  await expect(page.getByTestId('syringe-matches')).toBeVisible();
  await page.getByTestId('visit-next').click();
  // 3 mL less than the pump counts: flagged, the acknowledgement asked for.
  // The whole mL of what the pump counts (a string such as "16.253"), less 3.
  const wholeMl = Number.parseInt((await expectedResidual(page)).split('.')[0] ?? '', 10);
  await page.locator('#visit_withdrawnMl').fill(String(wholeMl - 3));
  const ack = page.getByTestId('discrepancy-ack');
  await expect(ack).toBeVisible();
  // Every preview from now on takes 1.5 s to come back (a slow host): the one for the box ticked
  // below is on its way while the nurse types.
  const isPreview = (url: URL) => decodeURIComponent(url.pathname).endsWith('/api/refill:preview');
  await page.route(isPreview, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  const checked = ack.getByLabel('What was checked');
  await checked.fill('aspirated until ');
  await page.getByTestId('reservoir-emptied').check();
  await checked.focus();
  await checked.pressSequentially('nothing came back', { delay: 120 });
  await expect(checked).toHaveValue('aspirated until nothing came back');
  await expect(checked).toBeFocused();
  await page.unroute(isPreview);
  await expect(page.getByTestId('visit-next')).toBeEnabled();
});
