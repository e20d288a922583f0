import { dec } from '../core/decimal';
import type { PumpModel } from '../core/models';
import { summarizeProgram, type Infusion, type TherapyProgram } from '../core/program';
import type { PumpSettings } from '../core/pump';
import { err, ok, type Result } from '../core/result';
import type { DailyDoseQ } from '../core/units';
import { volumeQ } from '../core/units';

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

/** Past outcomes of `summarizeProgram` per pump model, by the settings' JSON (a pure function of both). */
const doseMemo = new WeakMap<PumpModel, Map<string, Result<DailyDoseQ>>>();
const DOSE_MEMO_SIZE = 64;

/**
 * The whole day's dose of a program (a flex program's steps, not the step running now), from
 * `summarizeProgram`: the decoder of STATUS and the simulated pump both report this figure.
 *
 * Every interrogation decodes the same program again, so the outcome is remembered by the whole
 * input (the model object, and every field of the settings as JSON): the same settings give the
 * same outcome from the same definition, checks included; any other settings are checked afresh.
 */
export function programDailyDose(settings: PumpSettings, model: PumpModel): Result<DailyDoseQ> {
  let memo = doseMemo.get(model);
  if (memo === undefined) {
    memo = new Map();
    doseMemo.set(model, memo);
  }
  const key = JSON.stringify(settings);
  let outcome = memo.get(key);
  if (outcome === undefined) {
    outcome = dailyDoseOf(settings, model);
    if (memo.size >= DOSE_MEMO_SIZE) memo.clear();
    memo.set(key, outcome);
  }
  // A copy: the caller owns what it is given.
  return outcome.ok ? ok({ ...outcome.value }) : err({ ...outcome.error });
}

function dailyDoseOf(settings: PumpSettings, model: PumpModel): Result<DailyDoseQ> {
  const summary = summarizeProgram(therapyOf(settings), { model });
  if (!summary.ok) return summary;
  const component = summary.value.components[0];
  return component === undefined
    ? err({ code: 'INTERNAL', message: 'the program summary has no component' })
    : ok(component.dailyDose);
}
