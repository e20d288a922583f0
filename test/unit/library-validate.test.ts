import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultLibrary } from '../../core/library/defaults';
import { libraryHash } from '../../core/library/hash';
import { checkDose } from '../../core/library/validate';
import { type DoseCheckInput } from '../../core/library/facts';

// checkDose (core/library/validate.ts) against the default drug library.

const check = (input: DoseCheckInput) => {
  const r = checkDose(defaultLibrary, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const mgPerMl = (value: string) => ({ value, unit: 'mg/mL' as const });
const mcgPerMl = (value: string) => ({ value, unit: 'mcg/mL' as const });
const mgDay = (value: string) => ({ value, unit: 'mg/day' as const });
const mcgDay = (value: string) => ({ value, unit: 'mcg/day' as const });
const codes = (input: DoseCheckInput) => check(input).findings.map((f) => `${f.code}:${f.level}`);

describe('the default drug library', () => {
  it('passes an ordinary morphine dose', () => {
    expect(
      check({ drug: 'morphine', concentration: mgPerMl('10'), dailyDose: mgDay('3'), previousDailyDose: mgDay('2.7') }),
    ).toMatchObject({ verdict: 'ok', findings: [] });
  });

  it('applies the titration limit of the indication: 30 % non-cancer, 50 % cancer, the stricter when unknown', () => {
    const rise = {
      drug: 'morphine' as const,
      concentration: mgPerMl('10'),
      dailyDose: mgDay('5.6'),
      previousDailyDose: mgDay('4'),
    }; // +40 %
    expect(check({ ...rise, indication: 'cancer' }).verdict).toBe('ok');
    expect(codes({ ...rise, indication: 'non-cancer' })).toEqual(['INCREASE_PERCENT_ABOVE_MAX:soft']);
    expect(codes(rise)).toEqual(['INCREASE_PERCENT_ABOVE_MAX:soft']);
    expect(codes({ ...rise, dailyDose: mgDay('8.4'), indication: 'cancer' })).toEqual([
      'INCREASE_PERCENT_ABOVE_MAX:hard',
    ]); // +110 %
  });

  it('stops a ziconotide dose above 19.2 mcg/day, and a program below the pump’s minimum rate', () => {
    expect(
      codes({
        drug: 'ziconotide',
        concentration: mcgPerMl('100'),
        dailyDose: mcgDay('20'),
        previousDailyDose: mcgDay('19'),
      }),
    ).toEqual(['DOSE_ABOVE_MAX:hard']);
    expect(
      check({ drug: 'ziconotide', concentration: mcgPerMl('25'), dailyDose: mcgDay('1.1') }).findings.map(
        (f) => f.code,
      ),
    ).toContain('BELOW_MIN_DELIVERABLE');
    expect(check({ drug: 'ziconotide', concentration: mcgPerMl('25'), dailyDose: mcgDay('1.2') }).verdict).toBe('ok');
  });

  it('limits ziconotide starts, steps, steps per week and the interval between steps', () => {
    expect(codes({ drug: 'ziconotide', concentration: mcgPerMl('25'), dailyDose: mcgDay('2') })).toEqual([
      'START_DOSE_ABOVE_MAX:soft',
    ]);
    expect(codes({ drug: 'ziconotide', concentration: mcgPerMl('25'), dailyDose: mcgDay('3') })).toEqual([
      'START_DOSE_ABOVE_MAX:hard',
    ]);
    expect(
      codes({
        drug: 'ziconotide',
        concentration: mcgPerMl('25'),
        dailyDose: mcgDay('6'),
        previousDailyDose: mcgDay('3'),
      }),
    ).toEqual(['INCREASE_ABOVE_MAX:hard']);
    // Steps of 1.2 mcg/day two days apart, then one of 2.4: four steps in a week, 6 mcg/day above the week's lowest.
    const history = [
      { at: '2026-03-01T09:00:00Z', dailyDose: mcgDay('1.2') },
      { at: '2026-03-02T09:00:00Z', dailyDose: mcgDay('2.4') },
      { at: '2026-03-04T09:00:00Z', dailyDose: mcgDay('3.6') },
      { at: '2026-03-06T09:00:00Z', dailyDose: mcgDay('4.8') },
    ];
    expect(
      codes({
        drug: 'ziconotide',
        concentration: mcgPerMl('25'),
        dailyDose: mcgDay('7.2'),
        previousDailyDose: mcgDay('4.8'),
        history,
        now: '2026-03-08T10:00:00Z',
      }),
    ).toEqual(['WINDOW_INCREASE_ABOVE_MAX:soft', 'WINDOW_INCREASES_ABOVE_MAX:hard']);
    // 2.4 → 4.8 → 7.2 within minutes: the second step comes far too soon.
    const minutes = [
      { at: '2026-03-01T09:00:00Z', dailyDose: mcgDay('2.4') },
      { at: '2026-03-01T09:05:00Z', dailyDose: mcgDay('4.8') },
    ];
    expect(
      codes({
        drug: 'ziconotide',
        concentration: mcgPerMl('25'),
        dailyDose: mcgDay('7.2'),
        previousDailyDose: mcgDay('4.8'),
        history: minutes,
        now: '2026-03-01T09:10:00Z',
      }),
    ).toContain('WINDOW_INTERVAL_TOO_SHORT:hard');
  });

  it('limits baclofen: a ceiling, +30 % over 24 hours (15 % for a cerebral origin), large reductions flagged', () => {
    const history = [
      { at: '2026-03-01T08:00:00Z', dailyDose: mcgDay('200') },
      { at: '2026-03-01T20:00:00Z', dailyDose: mcgDay('240') },
    ];
    const rise = {
      drug: 'baclofen' as const,
      concentration: mcgPerMl('500'),
      dailyDose: mcgDay('280'),
      previousDailyDose: mcgDay('240'),
      history,
      now: '2026-03-02T07:00:00Z',
    };
    expect(codes({ ...rise, spasticityOrigin: 'spinal' })).toEqual([
      'WINDOW_INCREASE_PERCENT_ABOVE_MAX:soft',
      'WINDOW_INCREASES_ABOVE_MAX:hard',
    ]);
    expect(codes({ ...rise, spasticityOrigin: 'cerebral' })).toContain('WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard');
    expect(
      codes({
        drug: 'baclofen',
        concentration: mcgPerMl('500'),
        dailyDose: mcgDay('100'),
        previousDailyDose: mcgDay('400'),
      }),
    ).toEqual(['DECREASE_PERCENT_ABOVE_MAX:soft']);
    // The mcg/h-typed-as-mcg/day error (60 → 1440) and a 120× jump are hard, whatever else applies.
    expect(
      check({
        drug: 'baclofen',
        concentration: mcgPerMl('2000'),
        dailyDose: mcgDay('1440'),
        previousDailyDose: mcgDay('60'),
      }).verdict,
    ).toBe('hard');
    expect(
      codes({
        drug: 'baclofen',
        concentration: mcgPerMl('500'),
        dailyDose: mcgDay('48000'),
        previousDailyDose: mcgDay('400'),
      }),
    ).toEqual(
      expect.arrayContaining(['DOSE_ABOVE_MAX:hard', 'ABOVE_MAX_RATE:hard', 'INCREASE_PERCENT_ABOVE_MAX:hard']),
    );
    expect(
      codes({
        drug: 'baclofen',
        concentration: mcgPerMl('20'),
        dailyDose: mcgDay('100'),
        previousDailyDose: mcgDay('100'),
      }),
    ).toContain('CONCENTRATION_BELOW_MIN:hard');
  });

  it('limits a start by opioid tolerance: unknown counts as naive', () => {
    const restart = { drug: 'morphine' as const, concentration: mgPerMl('10'), dailyDose: mgDay('15') };
    expect(codes(restart)).toEqual(['START_DOSE_ABOVE_MAX:hard']);
    expect(codes({ ...restart, tolerance: 'naive' })).toEqual(['START_DOSE_ABOVE_MAX:hard']);
    expect(codes({ ...restart, tolerance: 'tolerant' })).toEqual(['START_DOSE_ABOVE_MAX:hard']);
    expect(codes({ ...restart, dailyDose: mgDay('4'), tolerance: 'tolerant' })).toEqual([]);
    expect(codes({ ...restart, dailyDose: mgDay('4') })).toEqual(['START_DOSE_ABOVE_MAX:hard']);
    expect(
      codes({
        drug: 'hydromorphone',
        concentration: mgPerMl('10'),
        dailyDose: mgDay('200'),
        previousDailyDose: mgDay('190'),
        indication: 'cancer',
      }),
    ).toContain('DOSE_ABOVE_MAX:hard');
  });

  it('applies morphine’s 24-hour window to the pump’s history: 3 → 6 → 12 mg/day in minutes is hard', () => {
    const history = [
      { at: '2026-03-01T09:00:00Z', dailyDose: mgDay('3') },
      { at: '2026-03-01T09:03:00Z', dailyDose: mgDay('6') },
    ];
    const third = {
      drug: 'morphine' as const,
      concentration: mgPerMl('10'),
      dailyDose: mgDay('12'),
      previousDailyDose: mgDay('6'),
      indication: 'cancer' as const,
      history,
      now: '2026-03-01T09:06:00Z',
    };
    expect(codes(third)).toEqual(expect.arrayContaining(['WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard']));
    // The same step a day and a half later is one ordinary titration step.
    expect(codes({ ...third, dailyDose: mgDay('9'), now: '2026-03-02T21:00:00Z' })).toEqual([]);
  });

  it('flags a concentration that is not a product and one above the maximum', () => {
    expect(codes({ drug: 'baclofen', concentration: mcgPerMl('1000'), dailyDose: mcgDay('200') })).toEqual([
      'CONCENTRATION_NOT_A_PRODUCT:soft',
    ]);
    expect(codes({ drug: 'baclofen', concentration: mcgPerMl('3000'), dailyDose: mcgDay('200') })).toEqual([
      'CONCENTRATION_ABOVE_MAX:hard',
      'CONCENTRATION_NOT_A_PRODUCT:soft',
    ]);
  });

  it('compares in the library’s unit whatever unit the dose came in', () => {
    expect(
      codes({
        drug: 'morphine',
        concentration: { value: '10000', unit: 'mcg/mL' },
        dailyDose: { value: '16000', unit: 'mcg/day' },
        previousDailyDose: mgDay('15'),
      }),
    ).toEqual(['DOSE_ABOVE_MAX:soft']);
  });

  it('refuses a drug the library does not hold, naming the field', () => {
    const small = { ...defaultLibrary, entries: defaultLibrary.entries.filter((e) => e.drug !== 'clonidine') };
    expect(
      checkDose(small, { drug: 'clonidine', concentration: mcgPerMl('100'), dailyDose: mcgDay('100') }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'drug' } });
  });

  it('names the library version and content hash and says it is not yet confirmed', () => {
    const r = check({ drug: 'morphine', concentration: mgPerMl('10'), dailyDose: mgDay('3') });
    expect(r.library).toEqual({
      name: 'Built-in defaults',
      version: 1,
      hash: libraryHash(defaultLibrary),
      confirmed: false,
    });
    expect(r.library.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('the history windows', () => {
  it('give the same findings whatever form the times are written in (text-compared or parsed)', () => {
    const base = Date.parse('2026-03-01T00:00:00.000Z');
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ minutes: fc.integer({ min: 0, max: 60 * 24 * 30 }), dose: fc.integer({ min: 1, max: 96 }) }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.integer({ min: 60 * 24 * 10, max: 60 * 24 * 31 }),
        fc.integer({ min: 1, max: 120 }),
        (entries, nowMinutes, next) => {
          const now = new Date(base + nowMinutes * 60_000).toISOString();
          const at = (m: number) => new Date(base + m * 60_000);
          const input = (offset: boolean) => ({
            drug: 'ziconotide' as const,
            concentration: mcgPerMl('100'),
            dailyDose: mcgDay(String(next / 5)),
            previousDailyDose: mcgDay('2.4'),
            now,
            // The same instants, as toISOString writes them or with a +08:00 offset.
            history: entries.map((e) => ({
              at: offset
                ? `${at(e.minutes + 480)
                    .toISOString()
                    .slice(0, 19)}+08:00`
                : at(e.minutes).toISOString(),
              dailyDose: mcgDay(String(e.dose / 5)),
            })),
          });
          expect(codes(input(true))).toEqual(codes(input(false)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
