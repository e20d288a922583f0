import { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDateTimeShort } from '../../renderer/app/format';
import { reasonText } from '../../renderer/features/audit/describe';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { translators } from './i18n-support';

const f = runtimeFixture();
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);

interface Row {
  seq: number;
  action: string;
  pumpSerial: string | null;
  reason: string | null;
  changes: Array<{ field: string; old: string | null; new: string | null }>;
}
type Page = { total: number; rows: Row[] };

let zh: TFunction;
let english: TFunction;
beforeAll(async () => {
  ({ zh, english } = await translators());
});

describe('the audit list in Chinese', () => {
  it('says a failed witness sign-off’s recorded reason in Chinese, not “wrong password”', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const { id } = await value<{ id: number }>('patients:create', {
      identifier: 'P-1',
      name: 'Zhang Wei',
      indication: 'non-cancer',
    });
    await value('pumps:register', { patientId: id, serial: 'SIM000123', modelId: 'sim-40', implantDate: '2026-01-10' });
    await value('pump:interrogate');
    const preview = await value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '4.2',
    });
    const refused = await f.call('program:apply', {
      settings: preview.settings,
      reviewed: preview.reviewed,
      acknowledgement: 'pain uncontrolled',
      witness: { username: 'nurse.zhao', password: `${TEST_PASSWORD}-not` },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'WRONG_CREDENTIALS' } });
    const page = await value<Page>('audit:list', { filter: { action: 'user.witness' } });
    const failed = page.rows.find((r) => r.action === 'user.witness');
    expect(failed?.reason).toBe('wrong password');
    expect(reasonText(zh, failed?.reason ?? '', 'zh-CN')).toBe('密码错误');
    expect(reasonText(english, failed?.reason ?? '', 'en')).toBe('wrong password');
  });

  it('translates a lock with its time, a replaced session, and leaves a reason a person wrote as written', () => {
    const locked = reasonText(zh, 'wrong password; locked until 2026-12-01T23:20:00Z', 'zh-CN');
    expect(locked).toMatch(/^密码错误；锁定至 2026年12月\d日/);
    expect(locked).not.toMatch(/[A-Za-z]{3}/);
    expect(reasonText(zh, 'unknown or disabled user', 'zh-CN')).toBe('用户名不存在或账户已停用');
    expect(reasonText(zh, 'account locked', 'zh-CN')).toBe('账户已锁定');
    expect(reasonText(zh, 'replaced by nurse.zhao', 'zh-CN')).toBe('nurse.zhao 登录，接替本会话');
    expect(reasonText(zh, 'patient moved to another clinic', 'zh-CN')).toBe('patient moved to another clinic');
  });

  it('shows the time in the narrow time column: a short date and the hour and minute', () => {
    expect(formatDateTimeShort('2026-12-01T15:05:00Z', 'zh-CN')).toMatch(/^2026\/12\/[12] \d{1,2}:05$/);
    expect(formatDateTimeShort('2026-12-01T15:05:00Z', 'zh-CN').length).toBeLessThanOrEqual(16);
    expect(formatDateTimeShort('2026-12-01T15:05:00Z', 'en')).toMatch(/^12\/[12]\/26, \d{1,2}:05 [AP]M$/);
  });

  it('records the pump an order names, so the order’s row shows and finds its serial; an “any pump” order has none', async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const { id: patientId } = await value<{ id: number }>('patients:create', {
      identifier: 'P-1',
      name: 'Zhang Wei',
      indication: 'non-cancer',
    });
    const { id: pumpId } = await value<{ id: number }>('pumps:register', {
      patientId,
      serial: 'SIM000123',
      modelId: 'sim-40',
      implantDate: '2026-01-10',
    });
    await value('pump:interrogate'); // the pump runs morphine 3 mg/day: the patient is not opioid-naive
    const components = [
      { drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' }, dailyDose: { value: '3', unit: 'mg/day' } },
    ];
    const { id: order } = await value<{ id: number }>('prescriptions:create', {
      patientId,
      pumpId,
      components,
      mode: 'continuous',
      fillVolumeMl: '20',
    });
    await value('prescriptions:cancel', { id: order, reason: 'written in error' });
    await value('prescriptions:create', { patientId, anyPump: true, components, mode: 'continuous' });
    const orders = await value<Page>('audit:list', { filter: { action: 'prescription' } });
    const rows = orders.rows.map((r) => [r.action, r.pumpSerial]);
    expect(rows).toContainEqual(['prescription.cancel', 'SIM000123']);
    expect(rows.filter(([a]) => a === 'prescription.create').map(([, serial]) => serial)).toEqual(
      expect.arrayContaining(['SIM000123', null]),
    );
    const bySerial = await value<Page>('audit:list', {
      filter: { pumpSerial: 'SIM000123', action: 'prescription.create' },
    });
    expect(bySerial.total).toBe(1);
  });
});
