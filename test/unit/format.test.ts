import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatMl, formatQuantity, formatQuantityText } from '../../renderer/app/format';

describe('dates in the interface language', () => {
  it('writes a calendar date in each language, whatever the time zone of the computer', () => {
    expect(formatDate('2027-01-09', 'en')).toBe('Jan 9, 2027');
    expect(formatDate('2027-01-09', 'zh-CN')).toBe('2027年1月9日');
  });
  it('keeps one formatter per language, so a long list stays cheap and still switches language', () => {
    const en = formatDateTime('2026-11-28T10:00:00Z', 'en');
    const zh = formatDateTime('2026-11-28T10:00:00Z', 'zh-CN');
    expect(en).toMatch(/Nov 28, 2026/);
    expect(zh).toMatch(/2026年11月28日/);
    expect(formatDateTime('2026-11-28T10:00:00Z', 'en')).toBe(en);
  });
});

describe('quantities with their units as each language writes them', () => {
  it('says a unit through unitName: mg/天, μg/天, mL/天 in Chinese; as given in English; an unknown unit as given', async () => {
    const i18next = (await import('i18next')).default.createInstance();
    const { en } = await import('../../renderer/i18n/en');
    const { zhCN } = await import('../../renderer/i18n/zh-CN');
    await i18next.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng: 'zh-CN',
      fallbackLng: 'en',
    });
    const zh = i18next.getFixedT('zh-CN');
    const english = i18next.getFixedT('en');
    expect(formatQuantity({ value: '3.6', unit: 'mg/day' }, zh)).toBe('3.6 mg/天');
    expect(formatQuantity({ value: '150', unit: 'mcg/day' }, zh)).toBe('150 μg/天');
    expect(formatQuantity({ value: '0.36', unit: 'mL/day' }, zh)).toBe('0.36 mL/天');
    expect(formatQuantity({ value: '3.6', unit: 'mg/day' }, english)).toBe('3.6 mg/day');
    expect(formatQuantity({ value: '1', unit: 'furlong' }, zh)).toBe('1 furlong');
    // A quantity the service wrote out (a row of the Finish screen, an audit change) and a bare volume.
    expect(formatQuantityText('4.2 mcg/day', zh)).toBe('4.2 μg/天');
    expect(formatQuantityText('4.2 mcg/day', english)).toBe('4.2 mcg/day');
    expect(formatQuantityText('Flex (periodic)', zh)).toBe('Flex (periodic)');
    expect(formatMl('16.1', zh)).toBe('16.1 mL');
    expect(formatMl(null, zh)).toBe('—');
  });
});
