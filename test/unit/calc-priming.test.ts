import { describe, expect, it } from 'vitest';
import { primingBolus } from '../../core/calc/priming';
import { findCatheterModel, findPumpModel } from '../../core/models';

const mL = (value: string) => ({ value, unit: 'mL' as const });

describe('priming bolus', () => {
  const pump = findPumpModel('sim-40');
  const catheter = findCatheterModel('sim-cath');
  it('takes its volume from the pump and catheter model data and warns', () => {
    if (pump === undefined || catheter === undefined) throw new Error('model table incomplete');
    const r = primingBolus({
      pump,
      catheter,
      implantedLengthCm: '60',
      concentration: { value: '500', unit: 'mcg/mL' },
      bolusRateMlPerHour: '0.5',
    });
    // 0.2 mL tubing + 0.0025 mL/cm × 60 cm = 0.35 mL; at 0.5 mL/h = 0.7 h; 0.35 × 500 = 175 mcg.
    expect(r).toEqual({
      ok: true,
      value: {
        volume: mL('0.35'),
        durationHours: '0.7',
        drugInBolus: { value: '175', unit: 'mcg' },
        warning: 'DRUG_REACHES_PATIENT_BEFORE_END',
      },
    });
    expect(
      primingBolus({
        pump,
        catheter,
        implantedLengthCm: '500',
        concentration: { value: '500', unit: 'mcg/mL' },
        bolusRateMlPerHour: '0.5',
      }),
    ).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE' } });
  });
});
