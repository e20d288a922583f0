import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { SEEDED_CLINIC } from './global-setup';
import { startBuiltWebHost, type RunningHost } from './web-host';

export const PASSWORD = 'correct horse battery';

/**
 * A web host on a database seeded through the real services (users, a patient, the training pump
 * registered): a copy of the clinic seeded once for the run (global-setup.ts), database and keys.
 * The copy leaves out the head file, which names the seeded file's own path: the host writes the
 * head of its copy at its first checkpoint, as for a database moved before its first use.
 */
export function startClinic(
  extraArgs: string[] = [],
  after?: (db: string, keys: string) => void,
  clock?: string,
): Promise<RunningHost> {
  return startBuiltWebHost(
    extraArgs,
    (db, keys) => {
      const seeded = process.env[SEEDED_CLINIC];
      if (seeded === undefined)
        throw new Error('the clinic is seeded by test/e2e/global-setup.ts (playwright.config.ts)');
      cpSync(join(seeded, 'programmer.sqlite'), db);
      cpSync(join(seeded, 'keys'), keys, {
        recursive: true,
        filter: (source) => !/[\\/]db-[0-9a-f]+\.(head|slots)$/.test(source),
      });
      after?.(db, keys);
    },
    clock,
  );
}

/**
 * One host per spec file, started before its tests and stopped after them: the returned host
 * reads through to the running one (its address and database are known once it has started).
 */
export function clinicPerSpec(start: () => Promise<RunningHost> = () => startClinic()): RunningHost {
  let running: RunningHost | undefined;
  test.beforeAll(async () => {
    running = await start();
  });
  test.afterAll(async () => {
    await running?.stop();
  });
  const current = (): RunningHost => {
    if (running === undefined) throw new Error('the web host of this spec has not started');
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    get databasePath() {
      return current().databasePath;
    },
    stop: () => current().stop(),
  };
}

/** Opens the app in a language and signs in. */
export async function signIn(
  page: Page,
  host: RunningHost,
  username: string,
  language: 'en' | 'zh-CN' = 'en',
): Promise<void> {
  await page.addInitScript(`localStorage.setItem('pump-language', '${language}');`);
  await page.goto(host.url);
  // The workstation keeps its session across pages: whoever is still signed in signs out first.
  const signedIn = page.getByTestId('signed-in-user');
  const form = page.locator('#username');
  await expect(form.or(signedIn)).toBeVisible();
  // A sign-out still on its way (from before this page load) may end the session under the click:
  // tried again until the sign-in form shows, not a form of the screen signed out of.
  await expect(async () => {
    if (await signedIn.isVisible()) await page.locator('header').getByRole('button').last().click({ timeout: 5000 });
    await expect(form).toBeVisible({ timeout: 5000 });
  }).toPass();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
}

/** Signs out from the header and waits until the page shows the sign-in form: the server has ended the session. */
export async function signOut(page: Page): Promise<void> {
  await page.locator('header').getByRole('button').last().click();
  await expect(page.locator('#username')).toBeVisible();
}

export async function openNav(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('menuitem', { name, exact: true }).click();
}

/**
 * Clicks Interrogate and waits until the reading is on screen: the host has answered and the
 * button has left its loading state (the reading is put in place in the same update). A busy
 * Ant Design button is not disabled, so the button being enabled says nothing about the reading.
 */
export async function interrogate(page: Page): Promise<void> {
  const button = page.getByTestId('interrogate').first();
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/api/pump%3Ainterrogate')),
    button.click(),
  ]);
  await expect(button).not.toHaveClass(/\bant-btn-loading\b/);
}

/**
 * Dr Li's order for the seeded patient's pump (P-0001, SIM000123), written through the page's API
 * bridge: for specs about the refill itself. The order screen is driven through the UI in its own spec.
 */
export async function writeOrder(
  page: Page,
  host: RunningHost,
  order: { drug?: string; concentration: string; dailyDose: string; unit?: 'mg' | 'mcg'; fillVolumeMl?: string },
  language: 'en' | 'zh-CN' = 'en',
): Promise<void> {
  // In the language the spec goes on in: a page's start-up scripts run in no defined order.
  await signIn(page, host, 'dr.li', language);
  const unit = order.unit ?? 'mg';
  const input = {
    patientId: 1,
    pumpId: 1,
    components: [
      {
        drug: order.drug ?? 'morphine',
        concentration: { value: order.concentration, unit: `${unit}/mL` },
        dailyDose: { value: order.dailyDose, unit: `${unit}/day` },
      },
    ],
    mode: 'continuous',
    ...(order.fillVolumeMl === undefined ? {} : { fillVolumeMl: order.fillVolumeMl }),
  };
  type Reply<T = unknown> = Promise<{ ok: boolean; value?: T; error?: { message: string } }>;
  type Api = {
    prescriptions: {
      create: (o: unknown) => Reply;
      open: (q: { serial: string }) => Reply<Array<{ id: number }>>;
      cancel: (c: { id: number; reason: string }) => Reply;
    };
  };
  // One open order per pump: an order a spec left open is withdrawn first, as the physician would.
  const result = await page.evaluate(async (o) => {
    const api = (globalThis as unknown as { pumpApi: Api }).pumpApi;
    for (const open of (await api.prescriptions.open({ serial: 'SIM000123' })).value ?? [])
      await api.prescriptions.cancel({ id: open.id, reason: 'replaced by a new order' });
    return api.prescriptions.create(o);
  }, input);
  if (!result.ok) throw new Error(`the order was refused: ${result.error?.message ?? ''}`);
}

/**
 * Picks an option of an Ant Design select, and checks the select shows it. The click is retried
 * as a whole: an option clicked while its dropdown is still opening can be missed.
 */
export async function chooseOption(page: Page, select: Locator, title: string): Promise<void> {
  const box = select.locator(
    'xpath=ancestor::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]',
  );
  await expect(async () => {
    if ((await box.textContent())?.includes(title) !== true) {
      await select.click();
      await page
        .locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${title}"]`)
        .click({ timeout: 3000 });
    }
    await expect(box).toContainText(title, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
}

/** The refill wizard's first step (English): interrogate, choose the order, check the patient, Next. */
export async function refillOrderStep(page: Page, order: RegExp): Promise<void> {
  await interrogate(page);
  await page.getByRole('radio', { name: order }).check();
  await page.getByLabel('Patient identity checked against the order (two identifiers)').check();
  await page.getByLabel('No signs of overdose or withdrawal').check();
  await page.getByRole('button', { name: 'Next' }).click();
}

/** The rest of the syringe step (English), once its concentration is in: the label scan, volume, who prepared and checked it. */
export async function refillSyringeDetails(page: Page, syringe: { gs1: string; volumeMl: string }): Promise<void> {
  await page.getByLabel('Label scan (GS1)').fill(syringe.gs1);
  await page.getByLabel('Syringe volume').fill(syringe.volumeMl);
  await page.getByLabel('Prepared by').fill('Pharmacist Sun');
  await page.getByLabel('Checked by').fill('Pharmacist Zhou');
}

/**
 * The patient (id 1) takes oral morphine 90 mg/day, recorded by Dr Li through the page's API as a
 * clinician records it: the patient is then opioid-tolerant, and an order for the 3 mg/day the
 * training pump runs is within the library.
 */
export async function recordOpioidTolerance(page: Page, host: RunningHost): Promise<void> {
  await signIn(page, host, 'dr.li');
  type Api = { opioids: { record: (r: unknown) => Promise<{ ok: boolean; error?: { message: string } }> } };
  const r = await page.evaluate(async () =>
    (globalThis as unknown as { pumpApi: Api }).pumpApi.opioids.record({
      patientId: 1,
      record: { kind: 'morphine/oral', dose: '90', startDate: '2026-01-01' },
    }),
  );
  if (!r.ok) throw new Error(r.error?.message ?? 'the opioid was not recorded');
}
