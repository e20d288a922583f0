import i18next, { type TFunction } from 'i18next';
import { expect } from 'vitest';
import type { AppError } from '../../core/result';
import { errorText } from '../../renderer/components/errorText';
import { en } from '../../renderer/i18n/en';
import { zhCN } from '../../renderer/i18n/zh-CN';

/** The renderer's translations (Chinese and English) as the screens use them, without React. */
export async function translators(): Promise<{ zh: TFunction; english: TFunction }> {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: 'zh-CN',
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  return { zh: i18n.getFixedT('zh-CN'), english: i18n.getFixedT('en') };
}

/** The error as the renderer's api/client.ts throws it (ApiError: an Error with the code, key and values). */
export const shown = (t: TFunction, e: AppError) =>
  errorText(t, Object.assign(new Error(e.message), { code: e.code, key: e.key, params: e.params }));
/** No English sentence: at most a stray code or unit, never three Latin words in a row. */
export const noEnglish = (text: string) => expect(text).not.toMatch(/[A-Za-z]+[ ,;:]+[A-Za-z]+[ ,;:]+[A-Za-z]+/);
