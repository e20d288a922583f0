import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, interrogate, openNav, signIn, startClinic } from './clinic';
import { en, expectFinishInView, expectStepsAsTheService, openFinish, zh } from './finish-viewport-support';

// The programming Finish screen on a 1366×768 clinic screen, for a baclofen pump on a flex day:
// each step old beside new and the 24-hour chart in view without scrolling (en and zh-CN), as the
// service computes them.
test.use({ viewport: { width: 1366, height: 768 } });
test.describe.configure({ mode: 'serial' });
test.slow();

test.describe('a baclofen flex pump (500 mcg/mL, three steps)', () => {
  const host = clinicPerSpec(() => startClinic(['--training-pump', 'baclofen-flex']));

  for (const [language, w, drug] of [
    ['en', en, 'Baclofen'],
    ['zh-CN', zh, '巴氯芬'],
  ] as const) {
    test(`a flex day changed: each step old beside new and the 24-hour chart, in view (${language})`, async ({
      page,
    }) => {
      await signIn(page, host, 'dr.li', language);
      await openNav(page, w.programming);
      await interrogate(page);
      const editor = page.getByTestId('flex-editor');
      // The form starts from the pump's steps: 400, 250 and 400 mcg/day; the daytime step goes to 300.
      await expect(editor.getByLabel(w.stepDose(2, w.u('mcg/day')))).toHaveValue('250');
      await editor.getByLabel(w.stepDose(2, w.u('mcg/day'))).fill('300');
      await openFinish(page);
      await expectFinishInView(
        page,
        { drug, old: `306.25 ${w.u('mcg/day')}`, new: `337.5 ${w.u('mcg/day')}`, title: w.title },
        true,
        `finish-1366-flex-baclofen-${language}`,
      );
      const finish = page.getByTestId('finish-screen');
      await expect(finish.getByRole('figure', { name: w.chart })).toBeVisible();
      const service = await expectStepsAsTheService(page, {
        mode: 'flex',
        dailyDose: '0',
        steps: [
          { start: '00:00', dailyDose: '400' },
          { start: '07:00', dailyDose: '300' },
          { start: '22:00', dailyDose: '400' },
        ],
      });
      expect(service.new).toEqual([
        ['00:00–07:00', '0.8', '400', '16.6667', '116.6667'],
        ['07:00–22:00', '0.6', '300', '12.5', '187.5'],
        ['22:00–24:00', '0.8', '400', '16.6667', '33.3333'],
      ]);
      expect(service.old[1]).toEqual(['07:00–22:00', '0.5', '250', '10.4167', '156.25']);
      await expectNoSeriousA11yViolations(page);
    });
  }
});
