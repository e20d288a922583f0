import { describe, expect, it } from 'vitest';
import { clinicDate, clinicLocalToUtc, clinicTime } from '../../core/clock';

const utc = (date: string, time: string, zone: string): string => {
  const r = clinicLocalToUtc(date, time, zone);
  if (!r.ok) throw new Error(`${date} ${time} ${zone}: ${r.reason}`);
  return r.instant.toISOString();
};

describe('clinic local time to UTC', () => {
  it('Asia/Shanghai is UTC+8 all year: 09:00 is 01:00Z, 07:00 the day before at 23:00Z', () => {
    expect(utc('2026-03-08', '09:00', 'Asia/Shanghai')).toBe('2026-03-08T01:00:00.000Z');
    expect(utc('2026-07-01', '07:00', 'Asia/Shanghai')).toBe('2026-06-30T23:00:00.000Z');
    expect(utc('2026-01-01', '00:00', 'Asia/Shanghai')).toBe('2025-12-31T16:00:00.000Z');
  });

  it('America/New_York on 2026-03-08: EST before 02:00, 02:00–02:59 never happens, EDT after', () => {
    expect(utc('2026-03-08', '01:59', 'America/New_York')).toBe('2026-03-08T06:59:00.000Z');
    expect(clinicLocalToUtc('2026-03-08', '02:30', 'America/New_York')).toEqual({ ok: false, reason: 'nonexistent' });
    expect(utc('2026-03-08', '03:00', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(utc('2026-03-08', '09:00', 'America/New_York')).toBe('2026-03-08T13:00:00.000Z');
    expect(utc('2026-03-07', '09:00', 'America/New_York')).toBe('2026-03-07T14:00:00.000Z');
  });

  it('America/New_York on 2026-11-01: 01:30 happens twice, the first (EDT) is taken and marked', () => {
    expect(clinicLocalToUtc('2026-11-01', '01:30', 'America/New_York')).toEqual({
      ok: true,
      instant: new Date('2026-11-01T05:30:00Z'),
      ambiguous: true,
    });
    expect(clinicLocalToUtc('2026-11-01', '09:00', 'America/New_York')).toEqual({
      ok: true,
      instant: new Date('2026-11-01T14:00:00Z'),
      ambiguous: false,
    });
  });

  it('is the inverse of clinicDate and clinicTime for every minute of a DST day', () => {
    for (const zone of ['America/New_York', 'Asia/Shanghai', 'Europe/London', 'Australia/Lord_Howe']) {
      for (let t = Date.parse('2026-03-07T00:00:00Z'); t < Date.parse('2026-03-10T00:00:00Z'); t += 15 * 60_000) {
        const instant = new Date(t);
        const r = clinicLocalToUtc(clinicDate(instant, zone), clinicTime(instant, zone), zone);
        expect(r.ok).toBe(true);
        if (r.ok && !r.ambiguous) expect(r.instant.toISOString()).toBe(instant.toISOString());
      }
    }
  });

  it('refuses what is not a date and time', () => {
    expect(clinicLocalToUtc('2026-02-30', '09:00', 'Asia/Shanghai')).toEqual({ ok: false, reason: 'invalid' });
    expect(clinicLocalToUtc('2026-03-08', '24:00', 'Asia/Shanghai')).toEqual({ ok: false, reason: 'invalid' });
  });
});
