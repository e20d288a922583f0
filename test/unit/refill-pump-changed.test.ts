import { describe, expect, it } from 'vitest';
import { runtimeFixture } from './runtime-fixture';
import { visitHelpers } from './refill-visit-support';

const f = runtimeFixture();
const { call, syringe, witness, setUp, order, expectedResidual } = visitHelpers(f);

describe('a refill decided on one reading of the pump', () => {
  it('is refused, nothing sent, when the pump runs another program by the time the write reads it', async () => {
    await setUp();
    const prescriptionId = await order('same');
    const withdrawnMl = await expectedResidual();
    // The channel and the visit each read the pump (reads 1 and 2); by the write's own read (3) the
    // pump has stopped itself (an alarm).
    const link = f.runtime.link;
    const read = link.interrogate.bind(link);
    let reads = 0;
    link.interrogate = async (signal) => {
      const r = await read(signal);
      reads += 1;
      return reads > 2 && r.ok ? { ok: true, value: { ...r.value, rate: { ...r.value.rate, value: '0' } } } : r;
    };
    const sent = link.program.bind(link);
    let programs = 0;
    link.program = (w) => {
      programs += 1;
      return sent(w);
    };
    const r = await call('refill:perform', {
      prescriptionId,
      syringe: syringe('10'),
      withdrawnMl,
      reservoirEmptied: true,
      instilledMl: '20',
      witness,
      refillOnly: true,
    });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(programs).toBe(0);
    expect(f.runtime.db.prepare('SELECT count(*) FROM programming_sessions').pluck().get()).toBe(0);
  });
});
