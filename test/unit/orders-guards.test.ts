import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough } from './helpers';
import { stepsDailyDose } from '../../core/calc/flex';
import { zhCN } from '../../renderer/i18n/zh-CN';

const f = runtimeFixture();
const call = (channel: string, input: unknown = {}) => f.call(channel, input);
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);
const morphine = (dose: string) => [
  { drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' }, dailyDose: { value: dose, unit: 'mg/day' } },
];
const orders = () =>
  f.runtime.db.prepare<[], { id: number; status: string }>('SELECT id, status FROM prescriptions ORDER BY id').all();

/** Zhang Wei with two pumps (the training pump and a second one), Dr Li signed in. */
async function clinic() {
  await signInThrough(f.runtime.dispatch, 'dr.li');
  const { id: patientId } = await value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'cancer',
  });
  const { id: first } = await value<{ id: number }>('pumps:register', {
    patientId,
    serial: 'SIM000123',
    modelId: 'sim-40',
    implantDate: '2026-01-10',
  });
  const { id: second } = await value<{ id: number }>('pumps:register', {
    patientId,
    serial: 'SIM000999',
    modelId: 'sim-40',
    implantDate: '2026-01-10',
  });
  await value('pump:interrogate');
  return { patientId, first, second };
}

describe('the physician’s orders: one open order per pump, the pump chosen', () => {
  it('refuses an order that names no pump unless "any pump" is chosen, with a named message and nothing written', async () => {
    const { patientId } = await clinic();
    expect(
      await call('prescriptions:create', { patientId, components: morphine('3'), mode: 'continuous' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'pumpId', key: 'orderPumpRequired' } });
    expect(orders()).toEqual([]);
    expect(
      await call('prescriptions:create', { patientId, anyPump: false, components: morphine('3'), mode: 'continuous' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(
      await call('prescriptions:create', { patientId, anyPump: true, components: morphine('3'), mode: 'continuous' }),
    ).toMatchObject({ ok: true });
    expect(orders()).toEqual([{ id: 1, status: 'open' }]);
  });

  it('refuses a second open order for the same pump, names the open one, and accepts it once that one is cancelled', async () => {
    const { patientId, first, second } = await clinic();
    const { id } = await value<{ id: number }>('prescriptions:create', {
      patientId,
      pumpId: first,
      components: morphine('3'),
      mode: 'continuous',
    });
    const again = await call('prescriptions:create', {
      patientId,
      pumpId: first,
      components: morphine('3.5'),
      mode: 'continuous',
    });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', key: 'orderAlreadyOpen', params: { id: String(id), pump: 'SIM000123' } },
    });
    // "Any pump" stands for this pump too.
    expect(
      await call('prescriptions:create', { patientId, anyPump: true, components: morphine('3.5'), mode: 'continuous' }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT', key: 'orderAlreadyOpen' } });
    // The patient's other pump has no open order.
    // (a start on a pump with no therapy yet, within the starting dose)
    expect(
      await call('prescriptions:create', {
        patientId,
        pumpId: second,
        components: morphine('0.5'),
        mode: 'continuous',
      }),
    ).toMatchObject({ ok: true });
    expect(orders()).toHaveLength(2);
    await value('prescriptions:cancel', { id, reason: 'dose to be raised' });
    expect(
      await call('prescriptions:create', { patientId, pumpId: first, components: morphine('3.5'), mode: 'continuous' }),
    ).toMatchObject({ ok: true });
    expect(orders().map((o) => o.status)).toEqual(['cancelled', 'open', 'open']);
  });

  it('refuses an order for a pump while an order for any of the patient’s pumps is open', async () => {
    const { patientId, second } = await clinic();
    const { id } = await value<{ id: number }>('prescriptions:create', {
      patientId,
      anyPump: true,
      components: morphine('3'),
      mode: 'continuous',
    });
    expect(
      await call('prescriptions:create', { patientId, pumpId: second, components: morphine('3'), mode: 'continuous' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', key: 'orderAlreadyOpenAnyPump', params: { id: String(id) } },
    });
    expect(await value<Array<{ id: number }>>('prescriptions:open', { serial: 'SIM000123' })).toEqual([
      expect.objectContaining({ id, pumpId: null }),
    ]);
  });
});

describe('a refused order says why in the user’s language', () => {
  it('names its message and values, and both languages have the message', async () => {
    const { en } = await import('../../renderer/i18n/en');
    const { patientId, first } = await clinic();
    const hard = await call('prescriptions:create', {
      patientId,
      pumpId: first,
      components: morphine('60'),
      mode: 'continuous',
    });
    expect(hard).toMatchObject({
      ok: false,
      error: {
        code: 'HARD_LIMIT',
        key: expect.stringMatching(/^finding\.[A-Z_]+$/) as unknown,
        params: { level: 'hard' },
      },
    });
    const code = (hard.ok ? '' : (hard.error.key ?? '')).replace('finding.', '');
    expect(Object.keys(en.finding)).toContain(code);
    expect(Object.keys(zhCN.finding)).toContain(code);
    const noPatient = await call('prescriptions:create', {
      patientId: 999,
      anyPump: true,
      components: morphine('3'),
      mode: 'continuous',
    });
    expect(noPatient).toMatchObject({ ok: false, error: { key: 'noSuchPatient' } });
    for (const key of [
      'noSuchPatient',
      'orderPumpRequired',
      'orderAlreadyOpen',
      'orderAlreadyOpenAnyPump',
      'noSuchOrder',
      'orderNotOpen',
      'admixtureRates',
      'noSuchAuditRecord',
    ] as const) {
      expect(en.serverMessage[key]).toBeTruthy();
      expect(zhCN.serverMessage[key]).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(await call('prescriptions:cancel', { id: 42, reason: 'x' })).toMatchObject({
      ok: false,
      error: { key: 'noSuchOrder', params: { id: '42' } },
    });
  });
});

describe('a flex order’s steps', () => {
  const day = [
    { start: '00:00', dailyDose: '3' },
    { start: '08:00', dailyDose: '3.6' },
  ];

  it('are refused on a continuous order (translated), not dropped: nothing is written', async () => {
    const { en } = await import('../../renderer/i18n/en');
    const { patientId, first } = await clinic();
    const r = await call('prescriptions:create', {
      patientId,
      pumpId: first,
      components: morphine('3'),
      mode: 'continuous',
      steps: day,
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'steps', key: 'orderStepsNotFlex', params: { mode: 'continuous' } },
    });
    expect(orders()).toEqual([]);
    expect(en.serverMessage.orderStepsNotFlex).toContain('{{mode}}');
    expect(zhCN.serverMessage.orderStepsNotFlex).toContain('{{mode}}');
  });

  it('follow the one rule of a flex day (first at 00:00, in time order), and are kept on a flex order', async () => {
    const { patientId, first } = await clinic();
    const late = await call('prescriptions:create', {
      patientId,
      pumpId: first,
      components: morphine('3.4'),
      mode: 'flex',
      steps: [{ start: '08:00', dailyDose: '3' }],
    });
    expect(late).toMatchObject({ ok: false, error: { key: 'flexFirstStepMidnight', field: 'steps.0.start' } });
    const backwards = await call('prescriptions:create', {
      patientId,
      pumpId: first,
      components: morphine('3.4'),
      mode: 'flex',
      steps: [day[0], { start: '00:00', dailyDose: '4' }],
    });
    expect(backwards).toMatchObject({ ok: false, error: { key: 'flexStepsOrder', field: 'steps.1.start' } });
    expect(orders()).toEqual([]);
    await value('prescriptions:create', {
      patientId,
      pumpId: first,
      components: morphine('3.4'),
      mode: 'flex',
      steps: day,
    });
    expect(
      await value<Array<{ mode: string; steps?: unknown }>>('prescriptions:open', { serial: 'SIM000123' }),
    ).toEqual([expect.objectContaining({ mode: 'flex', steps: day })]);
  });

  it('that add up to another daily dose than the order says are refused, and nothing is written', async () => {
    const { patientId, first } = await clinic();
    // Morphine 3 mg/day for 8 h and 3.6 for 16 h is 3.4 a day, not the 3.6 the order claims.
    const r = await call('prescriptions:create', {
      patientId,
      pumpId: first,
      components: morphine('3.6'),
      mode: 'flex',
      steps: day,
    });
    expect(r).toMatchObject({
      ok: false,
      error: { key: 'orderStepsDoseDiffers', field: 'steps', params: { steps: '3.4', dose: '3.6', unit: 'mg/day' } },
    });
    expect(orders()).toEqual([]);
    expect(zhCN.serverMessage.orderStepsDoseDiffers).toMatch(/\{\{steps\}\}.*\{\{dose\}\}/);
  });

  it('give the order its 24-hour dose: 3 for 8 h and 3.6 for 16 h is 3.4 a day', () => {
    expect(stepsDailyDose(day)).toEqual({ ok: true, value: '3.4' });
    expect(stepsDailyDose([{ start: '01:00', dailyDose: '3' }])).toMatchObject({
      ok: false,
      error: { key: 'flexFirstStepMidnight' },
    });
  });
});
