import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../core/result';
import { findingCodes } from '../../core/library/findings';
import { en } from '../../renderer/i18n/en';
import { zhCN } from '../../renderer/i18n/zh-CN';

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('cover every error code and every drug-library finding in both languages', () => {
    for (const code of errorCodes) {
      expect(en.error[code], code).toBeTruthy();
      expect(zhCN.error[code], code).toBeTruthy();
    }
    for (const code of findingCodes) {
      expect(en.finding[code], code).toBeTruthy();
      expect(zhCN.finding[code], code).toBeTruthy();
      // The same parameters are filled in, whichever the language.
      expect(placeholders(zhCN.finding[code]), code).toEqual(placeholders(en.finding[code]));
    }
  });
});
