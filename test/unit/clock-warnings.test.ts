import { describe, expect, it } from 'vitest';
import { clockWarnings } from '../../core/clock-warnings';

const flex = (pumpOffsetMinutes: number | undefined) => ({ pumpOffsetMinutes, mode: 'flex' as const });
const at = (iso: string) => new Date(iso);

describe('clockWarnings (core)', () => {
  it('New York before 2026-03-08: a flex program is warned of the change within 7 days, with its date, time and new offset', () => {
    // The change: 2026-03-08 02:00 EST = 07:00 UTC; the clinic's clock reads 03:00 EDT from then.
    const dst = {
      code: 'DST_CHANGE_SOON',
      params: {
        at: '2026-03-08T07:00:00.000Z',
        date: '2026-03-08',
        time: '03:00',
        from: '-05:00',
        to: '-04:00',
        timeZone: 'America/New_York',
      },
    };
    expect(clockWarnings(flex(-300), at('2026-03-01T12:00:00Z'), 'America/New_York')).toEqual([dst]); // 6 d 19 h before
    expect(clockWarnings(flex(-300), at('2026-03-08T06:59:00Z'), 'America/New_York')).toEqual([dst]); // a minute before
    expect(clockWarnings(flex(-300), at('2026-02-28T06:00:00Z'), 'America/New_York')).toEqual([]); // 8 d 1 h before
  });

  it('New York after the change: the pump still on −05:00 is warned, once set to −04:00 nothing is', () => {
    expect(clockWarnings(flex(-300), at('2026-03-08T07:00:00Z'), 'America/New_York')).toEqual([
      { code: 'PUMP_OFFSET_DIFFERS', params: { pump: '-05:00', clinic: '-04:00', timeZone: 'America/New_York' } },
    ]);
    expect(clockWarnings(flex(-240), at('2026-03-08T07:00:00Z'), 'America/New_York')).toEqual([]);
    expect(clockWarnings(flex(-240), at('2026-03-09T15:00:00Z'), 'America/New_York')).toEqual([]);
  });

  it('New York in autumn: 2026-11-01 back to −05:00, at 01:00 on the clinic clock', () => {
    expect(clockWarnings(flex(-240), at('2026-10-28T12:00:00Z'), 'America/New_York')).toEqual([
      {
        code: 'DST_CHANGE_SOON',
        params: {
          at: '2026-11-01T06:00:00.000Z',
          date: '2026-11-01',
          time: '01:00',
          from: '-04:00',
          to: '-05:00',
          timeZone: 'America/New_York',
        },
      },
    ]);
  });

  it('Europe/Berlin: 2026-03-29 to +02:00, and both warnings at once when the pump is on another offset', () => {
    expect(clockWarnings(flex(0), at('2026-03-25T12:00:00Z'), 'Europe/Berlin')).toEqual([
      { code: 'PUMP_OFFSET_DIFFERS', params: { pump: '+00:00', clinic: '+01:00', timeZone: 'Europe/Berlin' } },
      {
        code: 'DST_CHANGE_SOON',
        params: {
          at: '2026-03-29T01:00:00.000Z',
          date: '2026-03-29',
          time: '03:00',
          from: '+01:00',
          to: '+02:00',
          timeZone: 'Europe/Berlin',
        },
      },
    ]);
  });

  it('warns of daylight saving only for a flex program; the offset always', () => {
    for (const mode of ['continuous', 'stopped'] as const) {
      expect(clockWarnings({ pumpOffsetMinutes: -300, mode }, at('2026-03-05T12:00:00Z'), 'America/New_York')).toEqual(
        [],
      );
      expect(
        clockWarnings({ pumpOffsetMinutes: 0, mode }, at('2026-03-05T12:00:00Z'), 'America/New_York').map(
          (w) => w.code,
        ),
      ).toEqual(['PUMP_OFFSET_DIFFERS']);
    }
  });

  it('Asia/Shanghai never warns of daylight saving: every day of 2026', () => {
    for (let day = 0; day < 365; day++) {
      const now = new Date(Date.UTC(2026, 0, 1 + day, 3, 17));
      expect(clockWarnings(flex(480), now, 'Asia/Shanghai'), now.toISOString()).toEqual([]);
    }
    expect(clockWarnings(flex(0), at('2026-07-01T00:00:00Z'), 'Asia/Shanghai')).toEqual([
      { code: 'PUMP_OFFSET_DIFFERS', params: { pump: '+00:00', clinic: '+08:00', timeZone: 'Asia/Shanghai' } },
    ]);
  });

  it('a reading that carries no offset gives no offset warning', () => {
    expect(clockWarnings(flex(undefined), at('2026-07-01T00:00:00Z'), 'Asia/Shanghai')).toEqual([]);
  });
});
