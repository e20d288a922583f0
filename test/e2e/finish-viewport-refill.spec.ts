import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, recordOpioidTolerance, writeOrder } from './clinic';
import { expectInViewport } from './finish-viewport-support';
import { refillUpToWithdrawn, refillUpToWithdrawnZh } from './refill-steps';

// The refill wizard's Finish screen on a 1366×768 clinic screen: its title, the patient and pump,
// the changes and the button all in view without scrolling (en and zh-CN).
test.use({ viewport: { width: 1366, height: 768 } });
test.describe.configure({ mode: 'serial' });
test.slow();

test.describe('the refill wizard’s Finish (morphine 10 mg/mL, 3 mg/day, the order for what the pump runs)', () => {
  const host = clinicPerSpec();

  /** Title, patient, pump, the changes (reservoir old → new, drug and dose unchanged) and the button, each in view. */
  async function expectWizardFinishInView(
    page: Page,
    w: { finish: string; drug: string; update: string },
    shot: string,
  ) {
    const finish = page.getByTestId('refill-finish');
    await expect(finish).toBeVisible();
    await page.screenshot({ path: `docs/screenshots/${shot}.png` });
    expect(await page.evaluate<number>('window.scrollY')).toBe(0);
    await expectInViewport(page, 'title', finish.locator('.ant-card-head-title', { hasText: w.finish }));
    const banner = finish.getByTestId('pump-banner');
    await expect(banner).toContainText('Zhang Wei');
    await expect(banner).toContainText('P-0001');
    await expect(banner).toContainText('SIM000123');
    await expect(banner).toContainText(w.drug);
    await expectInViewport(page, 'patient and pump', banner);
    const changes = finish.locator('.ant-descriptions');
    await expect(changes).toContainText('20 mL');
    await expectInViewport(page, 'changes', changes);
    await expectInViewport(page, 'witness', finish.getByTestId('witness-fields'));
    await expectInViewport(page, 'update button', page.getByTestId('refill-submit'));
    await expect(page.getByTestId('refill-submit')).toHaveText(w.update);
    await expectNoSeriousA11yViolations(page);
  }

  test('the refill wizard’s Finish fits 1366×768 (en)', async ({ page }) => {
    await recordOpioidTolerance(page, host);
    await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' });
    await refillUpToWithdrawn(page, host, 'MOR-FIT1');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel(/Volume instilled/).fill('20');
    await expect(page.getByTestId('refill-forecast')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    await expectWizardFinishInView(
      page,
      { finish: 'Finish', drug: 'Morphine', update: 'Update the pump and record the refill' },
      'refill-finish-1366-en',
    );
  });

  test('加药向导的完成确认页在 1366×768 内（中文）', async ({ page }) => {
    await writeOrder(page, host, { concentration: '10', dailyDose: '3', fillVolumeMl: '20' }, 'zh-CN');
    await refillUpToWithdrawnZh(page, host, 'MOR-FIT2');
    await page.getByLabel('抽出量').fill('16.1');
    await page.getByTestId('reservoir-emptied').check();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel(/注入量（储药囊容量/).fill('20');
    await expect(page.getByTestId('refill-forecast')).toBeVisible();
    await page.getByRole('button', { name: '下一步' }).click();
    await expectWizardFinishInView(
      page,
      { finish: '完成', drug: '吗啡', update: '更新泵并记录加药' },
      'refill-finish-1366-zh-CN',
    );
  });
});
