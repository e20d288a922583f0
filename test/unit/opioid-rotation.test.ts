import { describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { checkTherapy } from '../../core/library/safety';
import { defaultPumpModel } from '../../core/models';
import type { TherapyProgram } from '../../core/program';
import type { Drug } from '../../core/pump';
import { runtimeFixture } from './runtime-fixture';
import { signInThrough } from './helpers';

const NOW = '2026-03-01T12:00:00.000Z';
const hoursAgo = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();
const continuous = (drug: Drug, concentration: string, rate: string): TherapyProgram => ({
  components: [{ drug, concentration: { value: concentration, unit: 'mg/mL' } }],
  infusion: { mode: 'continuous', rate: { value: rate, unit: 'mL/day' } },
});
const mgDay = (value: string) => ({ value, unit: 'mg/day' as const });
const codes = (
  program: TherapyProgram,
  running: TherapyProgram,
  history: Array<{ at: string; drug: Drug; dailyDose: { value: string; unit: 'mg/day' } }>,
) => {
  const r = checkTherapy(
    defaultLibrary,
    { program, running, history, now: NOW, patient: { indication: 'cancer', tolerance: 'tolerant' } },
    defaultPumpModel(),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value.findings.map((f) => `${f.code}:${f.level}`);
};

describe('an opioid rotation, measured in intrathecal morphine equivalents', () => {
  // Morphine 10 mg/mL at 1 mL/day = 10 mg/day, in force for days.
  const morphine10 = continuous('morphine', '10', '1');
  const longAgo = [{ at: hoursAgo(72), drug: 'morphine' as const, dailyDose: mgDay('10') }];

  it('is a tripling when hydromorphone 3 mg/day replaces morphine 5 mg/day (hydromorphone ~5× morphine)', () => {
    // 3 mg/day of hydromorphone (10 mg/mL at 0.3 mL/day) is 15 mg/day of morphine: +200 %.
    const morphine5 = continuous('morphine', '10', '0.5');
    const found = codes(continuous('hydromorphone', '10', '0.3'), morphine5, [
      { at: hoursAgo(72), drug: 'morphine', dailyDose: mgDay('5') },
    ]);
    expect(found).toEqual(
      expect.arrayContaining([
        'ROTATION_INCREASE_PERCENT_ABOVE_MAX:hard',
        'ROTATION_WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard',
      ]),
    );
    // Each drug's own rules alone would have let it through: within hydromorphone's tolerant start.
    expect(found.filter((c) => !c.startsWith('ROTATION')).some((c) => c.endsWith(':hard'))).toBe(false);
  });

  it('passes the usual rotation with a reduction (hydromorphone 1.5 mg/day = 7.5 mg/day of morphine)', () => {
    expect(
      codes(continuous('hydromorphone', '10', '0.15'), morphine10, longAgo).filter((c) => c.startsWith('ROTATION')),
    ).toEqual([]);
  });

  it('closes the round trip morphine → hydromorphone → morphine within 24 h', () => {
    // Hydromorphone 2 mg/day (= 10 mg of morphine) ran 10 h; now morphine 25 mg/day: +150 % over the window's lowest.
    const hydromorphone2 = continuous('hydromorphone', '10', '0.2');
    const history = [...longAgo, { at: hoursAgo(10), drug: 'hydromorphone' as const, dailyDose: mgDay('2') }];
    expect(codes(continuous('morphine', '10', '2.5'), hydromorphone2, history)).toEqual(
      expect.arrayContaining([
        'ROTATION_INCREASE_PERCENT_ABOVE_MAX:hard',
        'ROTATION_WINDOW_INCREASE_PERCENT_ABOVE_MAX:hard',
      ]),
    );
    // The same return at the dose before the rotation is no increase at all.
    expect(
      codes(continuous('morphine', '10', '1'), hydromorphone2, history).filter((c) => c.startsWith('ROTATION')),
    ).toEqual([]);
  });

  it('asks for a reason when an opioid with no agreed equivalence (fentanyl) is involved', () => {
    const fentanyl: TherapyProgram = {
      components: [{ drug: 'fentanyl', concentration: { value: '50', unit: 'mcg/mL' } }],
      infusion: { mode: 'continuous', rate: { value: '0.5', unit: 'mL/day' } },
    };
    expect(codes(fentanyl, morphine10, longAgo)).toContain('ROTATION_NO_EQUIVALENCE:soft');
  });

  it('is not applied without a rotation: the same opioid is left to its own rules', () => {
    expect(
      codes(continuous('morphine', '10', '2.5'), morphine10, longAgo).filter((c) => c.startsWith('ROTATION')),
    ).toEqual([]);
  });
});

describe('an order that rotates opioids, through the API', () => {
  const f = runtimeFixture();
  it('is refused when hydromorphone replaces the pump’s morphine 3 mg/day at more than twice its morphine equivalent', async () => {
    await f.withPump({});
    await signInThrough(f.runtime.dispatch, 'dr.li');
    const { id: patientId } = await f.value<{ id: number }>('patients:create', {
      identifier: 'P-7',
      name: 'Li Na',
      indication: 'cancer',
    });
    const pump = await f.value<{ id: number }>('pumps:register', {
      patientId,
      serial: 'SIM000123',
      modelId: 'sim-40',
      implantDate: '2026-01-10',
      catheterModelId: 'sim-cath',
      catheterLengthCm: '40',
    });
    await f.value('pump:interrogate');
    // Tolerant: oral morphine 100 mg/day for three weeks, so hydromorphone's tolerant start applies.
    await f.value('opioids:record', {
      patientId,
      record: { kind: 'morphine/oral', dose: '100', startDate: '2026-02-01' },
    });
    const order = (dose: string) =>
      f.call('prescriptions:create', {
        patientId,
        pumpId: pump.id,
        mode: 'continuous',
        components: [
          {
            drug: 'hydromorphone',
            concentration: { value: '2', unit: 'mg/mL' },
            dailyDose: { value: dose, unit: 'mg/day' },
          },
        ],
      });
    // 2 mg/day of hydromorphone is 10 mg/day of morphine: +233 % over the pump's 3 mg/day.
    expect(await order('2')).toMatchObject({
      ok: false,
      error: { code: 'HARD_LIMIT', message: expect.stringContaining('morphine equivalents') as unknown },
    });
    // 0.5 mg/day (2.5 mg of morphine) is the usual rotation with a reduction.
    expect(await order('0.5')).toMatchObject({ ok: true });
  });
});
