import { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { primingBolus } from '../../core/calc/priming';
import { englishText, namedWithCause, said, saidWithCause } from '../../core/messages';
import type { ProgramWrite, PumpStatus } from '../../core/pump';
import { catheterModels, defaultPumpModel } from '../../core/models';
import { messageText } from '../../renderer/components/errorText';
import { compareReadBack } from '../../services/read-back';
import { hostileSetup } from './driver-fakes';
import { noEnglish, shown, translators } from './i18n-support';

// Messages with a cause (core/messages.ts) as the screens say them: the wand's, the bolus
// calculators' and the read-back's (services/read-back.ts), in Chinese.

let zh: TFunction;
let english: TFunction;
beforeAll(async () => {
  ({ zh, english } = await translators());
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
