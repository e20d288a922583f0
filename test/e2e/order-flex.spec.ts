import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { chooseOption, clinicPerSpec, interrogate, openNav, signIn } from './clinic';

// A physician writes a flex order on the order form: the programming screen's step editor, its
// checks and chart, the order's 24-hour dose from its steps; in Chinese and in English.
test.describe.configure({ mode: 'serial' });
test.slow();
const host = clinicPerSpec();

const words = {
  'zh-CN': {
    patients: '患者',
    pump: '泵',
    drug: '药物',
    morphine: '吗啡',
    concentration: '浓度',
    flex: '分时段可变输注',
    stepDose: (n: number) => `时段 ${n} 剂量（mg/天）`,
    stepStart: (n: number) => `时段 ${n} 开始`,
    add: '添加时段',
    write: '开具医嘱',
    dose: '3.4 mg/天',
    order: '吗啡 10 mg/mL — 3.4 mg/天',
  },
  en: {
    patients: 'Patients',
    pump: 'Pump',
    drug: 'Drug',
    morphine: 'Morphine',
    concentration: 'Concentration',
    flex: 'Flex (periodic)',
    stepDose: (n: number) => `Step ${n} dose (mg/day)`,
    stepStart: (n: number) => `Step ${n} starts`,
    add: 'Add step',
    write: 'Write order',
    dose: '3.4 mg/day',
    order: 'Morphine 10 mg/mL — 3.4 mg/day',
  },
} as const;

type Reply<T> = Promise<{ ok: boolean; value?: T }>;
type Api = {
  prescriptions: {
    open: (q: { serial: string }) => Reply<Array<{ id: number; mode: string; steps?: unknown }>>;
    cancel: (c: { id: number; reason: string }) => Reply<unknown>;
  };
};

/** The open orders of the training pump, read through the page's API bridge. */
const openOrders = async (page: Page) =>
  (
    await page.evaluate(async () =>
      (globalThis as unknown as { pumpApi: Api }).pumpApi.prescriptions.open({ serial: 'SIM000123' }),
    )
  ).value ?? [];

for (const language of ['zh-CN', 'en'] as const) {
  test(`a flex order written on the order form, step by step (${language})`, async ({ page }) => {
    const w = words[language];
    await signIn(page, host, 'dr.li', language);
    // One open order per pump: the order of the other language's run is withdrawn first.
    await page.evaluate(async () => {
      const api = (globalThis as unknown as { pumpApi: Api }).pumpApi;
      for (const o of (await api.prescriptions.open({ serial: 'SIM000123' })).value ?? [])
        await api.prescriptions.cancel({ id: o.id, reason: 'replaced by a new order' });
    });
    // The pump read first: the order is checked against what it runs (a morphine dose of 3 mg/day).
    await openNav(page, w.pump);
    await interrogate(page);
    await openNav(page, w.patients);
    await page.getByRole('button', { name: 'Zhang Wei' }).first().click();
    const form = page.getByTestId('orders');
    await chooseOption(page, form.getByLabel(w.drug, { exact: true }), w.morphine);
    await form.getByLabel(w.concentration, { exact: true }).fill('10');
    await form.getByRole('radio', { name: w.flex }).check();
    const editor = form.getByTestId('flex-editor');
    // The day starts at midnight; a second step from 08:00.
    await expect(editor.getByLabel(w.stepStart(1))).toHaveValue('00:00');
    await editor.getByLabel(w.stepDose(1)).fill('3');
    await editor.getByRole('button', { name: w.add }).click();
    await editor.getByLabel(w.stepStart(2)).fill('08:00');
    await editor.getByLabel(w.stepDose(2)).fill('3.6');
    await expect(form.getByTestId('order-flex-dose')).toContainText(w.dose);
    await expect(editor.getByRole('figure')).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    // A step out of order is named before anything is written.
    await editor.getByLabel(w.stepStart(2)).fill('00:00');
    await expect(form.getByTestId('order-flex-problem')).toBeVisible();
    await editor.getByLabel(w.stepStart(2)).fill('08:00');
    await expect(form.getByTestId('order-flex-problem')).toHaveCount(0);
    await form.getByRole('button', { name: w.write }).click();
    await expect(page.getByText(w.order).first()).toBeVisible();
    expect(await openOrders(page)).toEqual([
      expect.objectContaining({
        mode: 'flex',
        steps: [
          { start: '00:00', dailyDose: '3' },
          { start: '08:00', dailyDose: '3.6' },
        ],
      }),
    ]);
    await expectNoSeriousA11yViolations(page);
  });
}
