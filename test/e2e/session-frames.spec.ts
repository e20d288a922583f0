import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { clinicPerSpec, openNav, signIn } from './clinic';

// The support view of the audit trail: a programming session's raw wand frames, as stored with
// it, under the record's details.

const host = clinicPerSpec();

const words = {
  en: {
    dose: '2.8',
    audit: 'Audit trail',
    outcome: 'Programming outcome (read back)',
    title: 'Wand frames of this programming session (support)',
    out: 'to the wand',
    in: 'from the wand',
  },
  'zh-CN': {
    dose: '2.6',
    audit: '审计追踪',
    outcome: null,
    title: '本次程控会话的程控器数据帧（技术支持用）',
    out: '发往程控器',
    in: '来自程控器',
  },
} as const;

for (const language of ['en', 'zh-CN'] as const) {
  const w = words[language];
  test(`${language}: a programming session's audit record shows its wand frames as hex with direction and time`, async ({
    page,
  }) => {
    await signIn(page, host, 'dr.li', language);
    // A small decrease (from 3 mg/day) through the page's API bridge, as the programming screen sends it.
    type Reply<T = unknown> = Promise<{ ok: boolean; value?: T; error?: { message: string } }>;
    type Api = {
      program: {
        preview: (i: unknown) => Reply<{ settings: unknown; reviewed: unknown }>;
        apply: (i: unknown) => Reply<{ outcome: string; sessionId: string }>;
      };
    };
    const done = await page.evaluate(async (dailyDose) => {
      const api = (globalThis as unknown as { pumpApi: Api }).pumpApi;
      const preview = await api.program.preview({ mode: 'continuous', dailyDose });
      if (!preview.ok || preview.value === undefined) return preview;
      return api.program.apply({
        settings: preview.value.settings,
        reviewed: preview.value.reviewed,
        acknowledgement: 'a small decrease for side effects',
      });
    }, w.dose);
    expect(done).toMatchObject({ ok: true, value: { outcome: 'confirmed' } });

    await openNav(page, w.audit);
    const rows = page.getByTestId('audit-row');
    // The newest record is the session's outcome (read back).
    const outcomeRow = w.outcome === null ? rows.first() : rows.filter({ hasText: w.outcome }).first();
    await outcomeRow.getByTestId('audit-details').click();
    const frames = page.getByRole('dialog').getByTestId('audit-frames');
    await expect(frames).toBeVisible();
    await expect(frames.getByRole('heading', { name: w.title })).toBeVisible();
    const sessionId = (done as { value: { sessionId: string } }).value.sessionId;
    await expect(frames).toContainText(sessionId);
    await expect(frames).toContainText('SIM000123');
    // Requests to the wand and its answers, each with the wire bytes from the frame's sync bytes on.
    await expect(frames.getByRole('cell', { name: w.out }).first()).toBeVisible();
    await expect(frames.getByRole('cell', { name: w.in }).first()).toBeVisible();
    for (const message of ['READ_STATUS', 'BEGIN_TX', 'STAGE_PROGRAM', 'COMMIT', 'COMMITTED'])
      await expect(frames.getByRole('cell', { name: message, exact: true }).first()).toBeVisible();
    await expect(frames.locator('pre').first()).toHaveText(/^a5 5a 01 /);
    await expect(frames.getByRole('cell', { name: /^\d\d:\d\d:\d\d\.\d{3}$/ }).first()).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await frames.scrollIntoViewIfNeeded();
    await page.getByRole('dialog').screenshot({ path: `docs/screenshots/audit-frames-${language}.png` });
  });
}
