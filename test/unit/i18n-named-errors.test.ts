import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/i18n/en';
import { zhCN } from '../../renderer/i18n/zh-CN';

// Named errors the services send with a plain key are looked up under serverMessage (errorText.ts).
const keys = [
  'rateBelowPumpMin',
  'rateAbovePumpMax',
  'rateNotPumpStep',
  'capacityAbovePump',
  'localTimeNonexistent',
] as const;

describe('named errors of the pump limits and the clinic clock are translated', () => {
  it.each([
    ['en', en],
    ['zh-CN', zhCN],
  ])('%s has each under serverMessage, with the values it is sent with', (_language, table) => {
    const messages = table.serverMessage as Record<string, string>;
    for (const key of keys) expect(messages[key], key).toEqual(expect.any(String));
    for (const key of ['rateBelowPumpMin', 'rateAbovePumpMax', 'rateNotPumpStep'])
      expect(messages[key]).toMatch(/\{\{rate\}\}.*\{\{limit\}\}/);
    expect(messages['localTimeNonexistent']).toMatch(/\{\{date\}\}.*\{\{time\}\}.*\{\{timeZone\}\}/);
    const audit = table.auditAction as Record<string, string>;
    for (const key of keys) expect(audit[key], key).toBeUndefined();
  });
});
