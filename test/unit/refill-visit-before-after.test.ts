import { describe, expect, it } from 'vitest';
import { compareProgram, visitProgram } from '../../services/refill-visit';
import type { PumpStatus } from '../../core/pump';
import { runtimeFixture } from './runtime-fixture';
import { visitHelpers } from './refill-visit-support';

const f = runtimeFixture();
const { value, setUp } = visitHelpers(f);

describe('the visit’s before and after', () => {
  it('compares the reading with the program the visit sends, computed from the settings re-sent, not the reading twice', async () => {
    await setUp();
    const { status } = await value<{ status: PumpStatus }>('pump:interrogate');
    // As read: the same program on both sides.
    expect(compareProgram(status, visitProgram(status)).identical).toBe(true);
    // A reading whose reported daily dose disagrees with its own rate (0.3 mL/day at 10 mg/mL is 3 mg/day):
    // the after side's dose comes from the settings that are sent, so the difference shows.
    const odd: PumpStatus = { ...status, dailyDose: { value: '4', unit: 'mg/day' } };
    const compared = compareProgram(odd, visitProgram(odd));
    expect(compared.identical).toBe(false);
    expect(compared.rows).toContainEqual({ field: 'dailyDose', before: '4 mg/day', after: '3 mg/day', same: false });
    expect(compared.rows).toContainEqual({ field: 'rate', before: '0.3 mL/day', after: '0.3 mL/day', same: true });
    // Another program on the after side shows row by row (here the mode).
    const flex: PumpStatus = { ...status, mode: 'flex', steps: [{ start: '00:00', rate: status.rate }] };
    expect(compareProgram(status, visitProgram(flex)).rows).toContainEqual({
      field: 'mode',
      before: 'continuous',
      after: 'flex',
      same: false,
    });
  });
});
