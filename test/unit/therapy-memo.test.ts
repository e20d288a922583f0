// programDailyDose remembers outcomes by the whole input: the same settings give the same outcome,
// a change in any field is checked afresh, and no caller can change what the next one gets.
import { describe, expect, it } from 'vitest';
import { dec, str } from '../../core/decimal';
import type { PumpSettings } from '../../core/pump';
import { pumpModels } from '../../core/models';
import { programDailyDose } from '../../drivers/therapy';

const model = pumpModels[0];
if (model === undefined) throw new Error('no pump model');
const morphine = (rate: string): PumpSettings => ({
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'continuous',
  rate: { value: rate, unit: 'mL/day' },
});

describe('the daily dose of a program, remembered', () => {
  it('the same settings again give the same dose; other settings are worked out afresh', () => {
    expect(programDailyDose(morphine('0.3'), model)).toEqual({ ok: true, value: { value: '3', unit: 'mg/day' } });
    expect(programDailyDose(morphine('0.3'), model)).toEqual({ ok: true, value: { value: '3', unit: 'mg/day' } });
    expect(programDailyDose(morphine('0.31'), model)).toEqual({ ok: true, value: { value: '3.1', unit: 'mg/day' } });
    expect(
      programDailyDose({ ...morphine('0.3'), concentration: { value: '10', unit: 'mcg/mL' } }, model),
    ).toMatchObject({ ok: true, value: { unit: 'mcg/day' } });
  });

  it('a program the model refuses is refused every time, and the same program within limits is not', () => {
    const over = morphine(String(Number(model.maxRateMlPerDay) + 1));
    for (let i = 0; i < 3; i++) expect(programDailyDose(over, model).ok).toBe(false);
    expect(programDailyDose(morphine(model.maxRateMlPerDay), model).ok).toBe(true);
  });

  it('a caller changing what it was given changes nothing for the next caller', () => {
    const first = programDailyDose(morphine('0.5'), model);
    if (!first.ok) throw new Error(first.error.message);
    first.value.value = '999';
    expect(programDailyDose(morphine('0.5'), model)).toEqual({ ok: true, value: { value: '5', unit: 'mg/day' } });
  });

  it('many different programs (past the memory size) all come out right', () => {
    for (let i = 100; i < 300; i++)
      expect(programDailyDose(morphine(`0.${i}`), model)).toEqual({
        ok: true,
        value: { value: str(dec(`0.${i}`).mul(10)), unit: 'mg/day' },
      });
  });
});
