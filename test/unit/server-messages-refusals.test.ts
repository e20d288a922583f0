import { type TFunction } from 'i18next';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../core/result';
import { unforeseenFailure } from '../../services/dispatch';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough, TEST_PASSWORD } from './helpers';
import { noEnglish, shown, translators } from './i18n-support';

// The dispatcher's refusals (services/dispatch.ts) as the screens say them: the message's name and values, in Chinese.

const f = runtimeFixture();
const call = (channel: string, input: unknown = {}) => f.call(channel, input);
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);

let zh: TFunction;
let english: TFunction;
beforeAll(async () => {
  ({ zh, english } = await translators());
});

/** A refusal from the dispatcher, as the screens show it. */
async function refused(channel: string, input: unknown): Promise<AppError> {
  const r = await call(channel, input);
  if (r.ok) throw new Error(`${channel} was accepted`);
  return r.error;
}

async function registerTrainingPump() {
  const { id } = await value<{ id: number }>('patients:create', {
    identifier: 'P-1',
    name: 'Zhang Wei',
    indication: 'non-cancer',
  });
  await value('pumps:register', { patientId: id, serial: 'SIM000123', modelId: 'sim-40', implantDate: '2026-01-10' });
  return id;
}

describe('server refusals carry their message’s name and values, said in Chinese', () => {
  beforeEach(async () => {
    await signInThrough(f.runtime.dispatch, 'dr.li');
  });

  it('a missing field (zod) names the field, not zod’s English', async () => {
    const e = await refused('patients:create', { identifier: 'P-9' });
    expect(e).toMatchObject({ code: 'INVALID_INPUT', field: 'name', key: 'inputRequired', params: { field: 'name' } });
    const text = shown(zh, e);
    expect(text).toContain('“姓名”为必填项');
    noEnglish(text);
    expect(shown(english, e)).toContain('Name: required');
  });

  it('a value of the wrong kind deep in the request names the property a person knows', async () => {
    const e = await refused('prescriptions:create', {
      patientId: 1,
      anyPump: true,
      mode: 'continuous',
      components: [
        { drug: 'morphine', concentration: { value: 'ten', unit: 'mg/mL' }, dailyDose: { value: '3', unit: 'mg/day' } },
      ],
    });
    expect(e).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'components.0.concentration.value',
      params: { field: 'concentration' },
    });
    expect(shown(zh, e)).toContain('“浓度”');
    noEnglish(shown(zh, e));
  });

  it('a taken patient ID is named with the ID', async () => {
    await registerTrainingPump();
    const e = await refused('patients:create', { identifier: 'P-1', name: 'Li Na', indication: 'cancer' });
    expect(e).toMatchObject({ code: 'CONFLICT', key: 'patientIdentifierTaken', params: { identifier: 'P-1' } });
    expect(e.message).toBe('a patient with identifier P-1 exists');
    expect(shown(zh, e)).toBe('与已有记录冲突：患者编号 P-1 已存在');
  });

  it('a dose increase without a witness: the programming refusal says nothing was sent, in Chinese', async () => {
    await registerTrainingPump();
    await value('pump:interrogate');
    const preview = await value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '4.2',
    });
    const base = { settings: preview.settings, reviewed: preview.reviewed, acknowledgement: 'pain uncontrolled' };
    const e = await refused('program:apply', base);
    expect(e).toMatchObject({ code: 'WITNESS_REQUIRED', key: 'increaseNeedsWitness', params: {} });
    const drugLimit = await refused('program:apply', { ...base, acknowledgement: undefined });
    expect(drugLimit).toMatchObject({ code: 'ACKNOWLEDGEMENT_REQUIRED', key: 'softLimitsNeedReason' });
    // The pump still runs what it ran.
    const read = await value<{ status: { dailyDose: { value: string } } }>('pump:interrogate');
    expect(read.status.dailyDose.value).toBe('3');
  });

  it('a witness whose role may not witness is named, in Chinese and English; the user is not blamed', async () => {
    await registerTrainingPump();
    await value('pump:interrogate');
    const preview = await value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '4.2',
    });
    const e = await refused('program:apply', {
      settings: preview.settings,
      reviewed: preview.reviewed,
      acknowledgement: 'pain uncontrolled',
      witness: { username: 'admin', password: TEST_PASSWORD },
    });
    expect(e).toMatchObject({
      code: 'FORBIDDEN',
      key: 'witnessRoleMayNot',
      params: { witness: 'admin', role: 'admin' },
    });
    const text = shown(zh, e);
    expect(text).toBe('核对人须为医生或护士：admin（管理员 / 药师）不能核对，请医生或护士登录核对');
    expect(text).not.toContain('您的角色');
    noEnglish(text);
    expect(shown(english, e)).toBe(
      'the witness must be a physician or a nurse: admin (Administrator / pharmacist) cannot witness; ask a physician or a nurse to sign',
    );
    // The witness as the user making the change is said in its own words too, not as the user's role.
    const same = await refused('program:apply', {
      settings: preview.settings,
      reviewed: preview.reviewed,
      acknowledgement: 'pain uncontrolled',
      witness: { username: 'dr.li', password: TEST_PASSWORD },
    });
    expect(same).toMatchObject({ code: 'FORBIDDEN', key: 'witnessSamePerson' });
    expect(shown(zh, same)).toBe('核对人须为另一人，不能是执行此更改的用户本人');
    // Nothing was sent: the pump still runs what it ran.
    const read = await value<{ status: { dailyDose: { value: string } } }>('pump:interrogate');
    expect(read.status.dailyDose.value).toBe('3');
  });

  it('a dose beyond the hard limit is refused as the first finding, with its values and units in Chinese', async () => {
    await registerTrainingPump();
    await value('pump:interrogate');
    const preview = await value<{ settings: unknown; reviewed: unknown }>('program:preview', {
      mode: 'continuous',
      dailyDose: '36',
    });
    const e = await refused('program:apply', {
      settings: preview.settings,
      reviewed: preview.reviewed,
      acknowledgement: 'checked twice',
      witness: { username: 'nurse.zhao', password: TEST_PASSWORD },
    });
    expect(e.code).toBe('HARD_LIMIT');
    expect(e.key).toMatch(/^finding\.[A-Z_]+$/);
    expect(e.params).toMatchObject({ level: 'hard' });
    const text = shown(zh, e);
    expect(text).toMatch(/mg\/天/);
    expect(text).not.toMatch(/mg\/day/);
    noEnglish(text);
  });

  it('cancelling an order that does not exist names the order number', async () => {
    const e = await refused('prescriptions:cancel', { id: 42, reason: 'entered twice' });
    expect(e).toMatchObject({ code: 'INVALID_INPUT', key: 'noSuchOrder', params: { id: '42' } });
    expect(shown(zh, e)).toBe('请求无效：没有第 42 号医嘱');
  });

  it('an unforeseen failure on a programming channel says in both languages that the command may have reached the pump', () => {
    const e = unforeseenFailure('program:apply');
    const chinese = shown(zh, e);
    expect(chinese).toContain('指令可能已到达泵');
    expect(chinese).not.toContain('未向泵发送');
    noEnglish(chinese);
    expect(shown(english, e)).toMatch(/may have reached the pump/);
    expect(shown(english, e)).not.toMatch(/nothing was sent/i);
    // A channel that only reads says that nothing was sent, in the user's language too.
    expect(shown(zh, unforeseenFailure('pump:interrogate'))).toContain('未向泵发送任何指令');
  });
});
