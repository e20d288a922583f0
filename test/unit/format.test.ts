import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from '../../renderer/app/format';

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
