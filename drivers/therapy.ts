import { dec } from '../core/decimal';
import { defaultPumpModel, pumpModels, type PumpModel } from '../core/models';
import { summarizeProgram, type Infusion, type TherapyProgram } from '../core/program';
import type { PumpSettings } from '../core/pump';
import { err, ok, type Result } from '../core/result';
import type { DailyDoseQ } from '../core/units';
import { volumeQ } from '../core/units';

/** The pump model a pump names in its status (the default model when the name is not in the table). */
export const pumpModelNamed = (name: string): PumpModel =>
  pumpModels.find((m) => m.name === name) ?? defaultPumpModel();

/** A pump's settings as the one therapy model (`core/program.ts`) reads them. */
function therapyOf(s: PumpSettings): TherapyProgram {
  const infusion: Infusion =
    s.mode === 'stopped'
      ? { mode: 'stopped' }
      : s.mode === 'continuous'
        ? { mode: 'continuous', rate: s.rate }
        : { mode: 'flex', steps: s.steps ?? [] };
  const b = s.patientBolus;
  return {
    components: [{ drug: s.drug, concentration: s.concentration }],
    infusion,
    ...(b === undefined
      ? {}
      : {
          patientBolus: {
            volume: volumeQ(dec(b.volumeMl)),
            durationMinutes: b.durationMinutes,
            lockoutMinutes: b.lockoutMinutes,
            maxPerDay: b.maxPerDay,
          },
        }),
  };
}

/**
 * The whole day's dose of a program (a flex program's steps, not the step running now), from
 * `summarizeProgram`: the decoder of STATUS and the simulated pump both report this figure.
 */
export function programDailyDose(settings: PumpSettings, model: PumpModel): Result<DailyDoseQ> {
  const summary = summarizeProgram(therapyOf(settings), { model });
  if (!summary.ok) return summary;
  const component = summary.value.components[0];
  return component === undefined
    ? err({ code: 'INTERNAL', message: 'the program summary has no component' })
    : ok(component.dailyDose);
}
