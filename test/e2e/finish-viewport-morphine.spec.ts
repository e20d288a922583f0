import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, interrogate, openNav, signIn } from './clinic';
import { en, expectFinishInView, expectStepsAsTheService, openFinish, zh } from './finish-viewport-support';

// The programming Finish screen on a 1366×768 clinic screen, for a morphine pump running
// continuously: its title, the patient, the pump, the changes and the Program button all in view
// without scrolling (en and zh-CN), and a change to flex shown step by step with its 24-hour
// chart, old beside new, as the service computes it.
test.use({ viewport: { width: 1366, height: 768 } });
test.describe.configure({ mode: 'serial' });
test.slow();

test.describe('a morphine pump running continuously (10 mg/mL, 3 mg/day)', () => {
  const host = clinicPerSpec();

  for (const [language, w, drug] of [
    ['en', en, 'Morphine'],
    ['zh-CN', zh, '吗啡'],
  ] as const) {
    test(`a continuous dose change: the Finish screen fits 1366×768 (${language})`, async ({ page }) => {
      await signIn(page, host, 'dr.li', language);
      await openNav(page, w.programming);
      await interrogate(page);
      await page.getByLabel(w.dose(w.u('mg/day'))).fill('3.3');
      await openFinish(page);
      await expectFinishInView(
        page,
        { drug, old: `3 ${w.u('mg/day')}`, new: `3.3 ${w.u('mg/day')}`, title: w.title },
        false,
        `finish-1366-continuous-${language}`,
      );
      await expect(page.getByTestId('finish-schedule')).toHaveCount(0);
      await expectNoSeriousA11yViolations(page);
    });

    test(`a continuous pump changed to flex: the steps old beside new, the chart, all in view (${language})`, async ({
      page,
    }) => {
      await signIn(page, host, 'dr.li', language);
      await openNav(page, w.programming);
      await interrogate(page);
      await page.getByRole('radio', { name: w.flex }).check();
      const editor = page.getByTestId('flex-editor');
      await editor.getByLabel(w.stepDose(1, w.u('mg/day'))).fill('3');
      await editor.getByRole('button', { name: w.add }).click();
      await editor.getByLabel(w.stepStart(2)).fill('08:00');
      await editor.getByLabel(w.stepDose(2, w.u('mg/day'))).fill('3.6');
      await openFinish(page);
      await expectFinishInView(
        page,
        { drug, old: `3 ${w.u('mg/day')}`, new: `3.4 ${w.u('mg/day')}`, title: w.title },
        true,
        `finish-1366-flex-${language}`,
      );
      const finish = page.getByTestId('finish-screen');
      await expect(finish.getByRole('figure', { name: w.chart })).toBeVisible();
      // What is shown is what the service computed, and that is the therapy model's day.
      const service = await expectStepsAsTheService(page, {
        mode: 'flex',
        dailyDose: '0',
        steps: [
          { start: '00:00', dailyDose: '3' },
          { start: '08:00', dailyDose: '3.6' },
        ],
      });
      expect(service.old).toEqual([['00:00–24:00', '0.3', '3', '0.125', '3']]);
      expect(service.new).toEqual([
        ['00:00–08:00', '0.3', '3', '0.125', '1'],
        ['08:00–24:00', '0.36', '3.6', '0.15', '2.4'],
      ]);
      await expectNoSeriousA11yViolations(page);
    });
  }
});
