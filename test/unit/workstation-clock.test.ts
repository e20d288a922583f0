import { describe, expect, it } from 'vitest';
import { deliverBolus } from '../../services/bolus';
import { programPump } from '../../services/programming';
import { doctor, lower, pumpWriteFixture, second } from './pump-write-setup';

// A workstation whose own clock was reset (to 2000, or to 1970 after a flat CMOS battery) writes
// nothing to a pump: every record would be stamped wrong, and a flex program would set the pump's
// clock from it. Nothing is sent and nothing recorded.

const t = pumpWriteFixture();

describe('a workstation clock earlier than 2025-01-01', () => {
  for (const reset of ['1970-01-01T00:00:00Z', '2000-01-01T08:00:00Z']) {
    it(`at ${reset}: a program and a clinician bolus are refused before anything reaches the wand`, async () => {
      const deps = { ...t.deps, now: () => new Date(reset) };
      const program = await programPump(deps, { actor: doctor, witness: second, settings: lower });
      expect(program).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE', key: 'workstationClockImplausible' } });
      const bolus = await deliverBolus(deps, {
        actor: doctor,
        witness: second,
        bolus: { kind: 'single', dose: '0.3', durationMinutes: 10 },
      });
      expect(bolus).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE', key: 'workstationClockImplausible' } });
      expect(
        t.requests.filter((r) => ['BEGIN_TX', 'STAGE_PROGRAM', 'COMMIT', 'START_BOLUS', 'SET_CLOCK'].includes(r)),
      ).toEqual([]);
      expect(t.sessions()).toEqual([]);
    });
  }

  it('the same program from a workstation whose clock is right is sent and confirmed', async () => {
    expect(await programPump(t.deps, { actor: doctor, witness: second, settings: lower })).toMatchObject({
      ok: true,
      value: { outcome: 'confirmed' },
    });
  });
});
