import { describe, expect, it } from 'vitest';
import { omeOnDate, omeSteps, opioidTolerance } from '../../core/opioids';

describe('systemic opioids as oral morphine equivalents', () => {
  const records = [
    { kind: 'morphine/oral' as const, dose: '90', startDate: '2026-02-01', stopDate: '2026-02-22' },
    { kind: 'fentanyl/transdermal' as const, dose: '25', startDate: '2026-02-15' },
  ];

  it('steps the day total where a record starts and the day after one stops, up to today', () => {
    expect(omeSteps(records, '2026-03-01')).toEqual([
      { date: '2026-02-01', omeMgPerDay: '90' },
      { date: '2026-02-15', omeMgPerDay: '150' },
      { date: '2026-02-23', omeMgPerDay: '60' },
      { date: '2026-03-01', omeMgPerDay: '60' },
    ]);
    // Nothing after today: a stop planned for next week is not yet a step.
    expect(
      omeSteps(
        [{ kind: 'morphine/oral', dose: '90', startDate: '2026-02-01', stopDate: '2026-03-10' }],
        '2026-03-01',
      ).map((s) => s.date),
    ).toEqual(['2026-02-01', '2026-03-01']);
    expect(omeOnDate(records, '2026-02-22').toString()).toBe('150');
  });

  it('takes tolerance from ≥ 60 mg/day for a week, and unknown with no record', () => {
    expect(opioidTolerance(records, '2026-03-01', 0)).toBe('tolerant');
    expect(opioidTolerance([], '2026-03-01', 0)).toBe('unknown');
  });
});
