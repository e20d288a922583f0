import i18next, { type TFunction } from 'i18next';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { primingBolus } from '../../core/calc/priming';
import { englishText, namedWithCause, said, saidWithCause } from '../../core/messages';
import type { ProgramWrite, PumpStatus } from '../../core/pump';
import { catheterModels, defaultPumpModel } from '../../core/models';
import type { AppError } from '../../core/result';
import { errorText, messageText } from '../../renderer/components/errorText';
import { compareReadBack } from '../../services/read-back';
import { unforeseenFailure } from '../../services/dispatch';
import { en } from '../../renderer/i18n/en';
import { zhCN } from '../../renderer/i18n/zh-CN';
import { runtimeFixture } from './runtime-fixture';
import { hostileSetup } from './driver-fakes';
import { signInThrough, TEST_PASSWORD } from './helpers';

const f = runtimeFixture();
const call = (channel: string, input: unknown = {}) => f.call(channel, input);
const value = <T = Record<string, unknown>>(channel: string, input: unknown = {}) => f.value<T>(channel, input);

let zh: TFunction;
let english: TFunction;
beforeAll(async () => {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: 'zh-CN',
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  zh = i18n.getFixedT('zh-CN');
  english = i18n.getFixedT('en');
});

/** A refusal from the dispatcher, as the screens show it. */
async function refused(channel: string, input: unknown): Promise<AppError> {
  const r = await call(channel, input);
  if (r.ok) throw new Error(`${channel} was accepted`);
  return r.error;
}
/** The error as the renderer's api/client.ts throws it (ApiError: an Error with the code, key and values). */
const shown = (t: TFunction, e: AppError) =>
  errorText(t, Object.assign(new Error(e.message), { code: e.code, key: e.key, params: e.params }));
/** No English sentence: at most a stray code or unit, never three Latin words in a row. */
const noEnglish = (text: string) => expect(text).not.toMatch(/[A-Za-z]+[ ,;:]+[A-Za-z]+[ ,;:]+[A-Za-z]+/);

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

describe('the wand’s causes, the calculators’ refusals and a failure with its cause, said in Chinese', () => {
  it('a wand unplugged mid-request and a pump out of reach: the driver’s cause and remedy, not the code’s general sentence', async () => {
    const { link, device } = hostileSetup();
    expect(await link.interrogate()).toMatchObject({ ok: true });
    device.inject({ kind: 'unplug-before-request' });
    const unplugged = await link.interrogate();
    if (unplugged.ok) throw new Error('the unplugged wand answered');
    expect(unplugged.error).toMatchObject({ code: 'COMMUNICATION_FAILED', key: 'wandUnplugged' });
    expect(shown(zh, unplugged.error)).toContain('程控头已拔出');
    noEnglish(shown(zh, unplugged.error));
    expect(shown(english, unplugged.error)).toMatch(/^The wand was unplugged/);

    const far = hostileSetup();
    far.device.inject({ kind: 'drop-response' });
    far.device.inject({ kind: 'drop-response' }, 1);
    far.device.inject({ kind: 'drop-response' }, 2);
    const silent = await far.link.interrogate();
    if (silent.ok) throw new Error('the pump answered');
    expect(silent.error.key).toBe('pumpDidNotAnswer');
    expect(shown(zh, silent.error)).toBe('泵无应答。请将程控头直接置于泵上方后重试。');
  });

  it('the bolus calculators (pumpctl calc) refuse in the user’s language', () => {
    const catheter = catheterModels[0];
    if (catheter === undefined) throw new Error('no catheter model');
    const r = primingBolus({
      pump: defaultPumpModel(),
      catheter,
      implantedLengthCm: '999',
      concentration: { value: '10', unit: 'mg/mL' },
      bolusRateMlPerHour: '0.5',
    });
    if (r.ok) throw new Error('a 999 cm catheter was accepted');
    expect(r.error).toMatchObject({ code: 'OUT_OF_RANGE', key: 'implantedLengthAboveCatheter' });
    // The catheter model's name is a product name; the sentence around it is Chinese.
    expect(shown(zh, r.error)).toContain('999 cm 超过');
    expect(shown(zh, r.error)).not.toContain('is longer than');
    const rate = primingBolus({
      pump: defaultPumpModel(),
      catheter,
      implantedLengthCm: '40',
      concentration: { value: '10', unit: 'mg/mL' },
      bolusRateMlPerHour: '0',
    });
    if (rate.ok) throw new Error('a bolus rate of zero was accepted');
    expect(shown(zh, rate.error)).toBe('请求无效：推注速率须大于零');
  });

  it('a failure with the wand’s named cause says the cause in Chinese, not its English text', () => {
    const cause = said('WAND_NOT_FOUND', 'wandBusy', {});
    const e = saidWithCause('WAND_NOT_FOUND', 'clockNotSetNotSent', {}, cause, 'clock');
    expect(e.message).toContain('(Another program is using the wand. Close it and try again.)');
    const text = shown(zh, e);
    expect(text).toContain('另一个程序正在使用程控头');
    expect(text).toContain('程序未发送');
    noEnglish(text);
  });

  it('every read-back difference is said in Chinese, units as Chinese clinicians write them, the wand’s cause too', () => {
    const sent = {
      sessionId: 's',
      transactionId: 'T2',
      settings: {
        drug: 'baclofen' as const,
        concentration: { value: '2000', unit: 'mcg/mL' as const },
        mode: 'flex' as const,
        steps: [
          { start: '00:00', rate: { value: '0.3', unit: 'mL/day' as const } },
          { start: '08:00', rate: { value: '0.5', unit: 'mL/day' as const } },
        ],
        patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 60, maxPerDay: 4 },
      },
      bridge: { volumeMl: '0.1' },
      reservoirVolumeMl: '20',
    } as unknown as ProgramWrite;
    const read = {
      lastTransactionId: 'T1',
      drug: 'morphine',
      concentration: { value: '1000', unit: 'mcg/mL' },
      mode: 'continuous',
      rate: { value: '0.3', unit: 'mL/day' },
      steps: [{ start: '00:00', rate: { value: '0.4', unit: 'mL/day' } }],
      reservoirVolume: { value: '12.5', unit: 'mL' },
    } as unknown as PumpStatus;
    const differences = compareReadBack(sent, read);
    expect(differences.map((d) => d.key)).toEqual([
      'readBackTransaction',
      'readBackDrug',
      'readBackConcentration',
      'readBackMode',
      'readBackStepCount',
      'readBackStep',
      'readBackStepMissing',
      'readBackBolusMissing',
      'readBackBridgeNotRunning',
      'readBackReservoir',
    ]);
    const failed = namedWithCause('readBackFailed', {}, said('WAND_NOT_FOUND', 'wandUnplugged', {}));
    for (const m of [...differences, failed]) {
      const text = messageText(zh, m);
      noEnglish(text);
      expect(text, m.key).not.toMatch(/mL\/day|mcg|baclofen|morphine|flex|continuous/);
      // English names drugs and modes as the screens do; every value is filled in.
      expect(messageText(english, m)).not.toMatch(/\{\{|^readBack/);
      expect(englishText(m)).not.toContain('{{');
    }
    expect(messageText(zh, failed)).toContain('程控头已拔出');
    expect(differences.map((d) => messageText(zh, d)).join('; ')).toContain('mL/天');
  });
});
