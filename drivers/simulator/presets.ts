import * as z from 'zod';
import { DrugSchema } from '../../core/pump';
import { ConcentrationSchema, DecimalStringSchema, RateSchema } from '../../core/quantity';
import { defaultPumpModel, findPumpModel } from '../../core/models';
import { defaultSimulatedPump, type SimulatedPumpState } from './pump';

const DAY_MS = 86_400_000;
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/**
 * A state for the training pump, from a named preset or a JSON file: what a trainer sets up to
 * rehearse a baclofen refill or an end-of-service pump. Every field is optional; what is left out
 * comes from the default training pump (morphine 10 mg/mL at 0.3 mL/day, 20 mL in a 40 mL pump).
 */
const TrainingPumpStateSchema = z.strictObject({
  /** A pump model id (`sim-20`, `sim-40`): capacity and alarm volume. */
  modelId: z.string().max(32).optional(),
  serial: z.string().min(1).max(32).optional(),
  drug: DrugSchema.optional(),
  concentration: ConcentrationSchema.optional(),
  mode: z.enum(['stopped', 'continuous', 'flex']).optional(),
  rate: RateSchema.optional(),
  steps: z
    .array(z.strictObject({ start: HHMM, rate: RateSchema }))
    .min(1)
    .max(13)
    .optional(),
  patientBolus: z
    .strictObject({
      volumeMl: DecimalStringSchema,
      durationMinutes: z.number().int(),
      lockoutMinutes: z.number().int(),
      maxPerDay: z.number().int(),
    })
    .optional(),
  reservoirMl: DecimalStringSchema.optional(),
  /** The battery's elective replacement date; 90 days later it reaches end of service. */
  replaceByDate: z.iso.date().optional(),
  /** Days before now the battery's elective replacement date was (a negative number: in the future). */
  replaceByDaysAgo: z.number().int().min(-3650).max(3650).optional(),
});
export type TrainingPumpState = z.infer<typeof TrainingPumpStateSchema>;

/** The named situations a training room starts from. */
export const trainingPresets = {
  'morphine-continuous': {},
  'morphine-patient-bolus': {
    patientBolus: { volumeMl: '0.02', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 4 },
  },
  'baclofen-flex': {
    drug: 'baclofen',
    concentration: { value: '500', unit: 'mcg/mL' },
    mode: 'flex',
    rate: { value: '0.8', unit: 'mL/day' },
    steps: [
      { start: '00:00', rate: { value: '0.8', unit: 'mL/day' } },
      { start: '07:00', rate: { value: '0.5', unit: 'mL/day' } },
      { start: '22:00', rate: { value: '0.8', unit: 'mL/day' } },
    ],
    reservoirMl: '6',
  },
  'ziconotide-titration': {
    drug: 'ziconotide',
    concentration: { value: '25', unit: 'mcg/mL' },
    rate: { value: '0.096', unit: 'mL/day' },
  },
  'stopped-morphine': { mode: 'stopped', rate: { value: '0', unit: 'mL/day' } },
  'eri-pump': { replaceByDaysAgo: 10 },
  'eos-pump': { replaceByDaysAgo: 120 },
} as const satisfies Record<string, TrainingPumpState>;
export type TrainingPreset = keyof typeof trainingPresets;
export const trainingPresetNames = Object.keys(trainingPresets) as TrainingPreset[];

const dateOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** The simulated pump's state for a training state at `now` (a program the pump cannot run is refused by the pump). */
export function trainingPumpState(state: TrainingPumpState, now: Date): SimulatedPumpState {
  const model = (state.modelId === undefined ? undefined : findPumpModel(state.modelId)) ?? defaultPumpModel();
  const base = defaultSimulatedPump(now, model);
  const mode = state.mode ?? base.settings.mode;
  const rate =
    mode === 'stopped'
      ? { value: '0', unit: 'mL/day' as const }
      : (state.rate ?? state.steps?.[0]?.rate ?? base.settings.rate);
  return {
    ...base,
    serial: state.serial ?? base.serial,
    settings: {
      drug: state.drug ?? base.settings.drug,
      concentration: state.concentration ?? base.settings.concentration,
      mode,
      rate,
      ...(mode === 'flex' && state.steps !== undefined ? { steps: state.steps.map((s) => ({ ...s })) } : {}),
      ...(state.patientBolus === undefined ? {} : { patientBolus: { ...state.patientBolus } }),
    },
    ...(state.reservoirMl === undefined ? {} : { volumeMl: state.reservoirMl, volumeAt: now }),
    replaceByDate:
      state.replaceByDate ??
      (state.replaceByDaysAgo === undefined
        ? base.replaceByDate
        : dateOf(now.getTime() - state.replaceByDaysAgo * DAY_MS)),
  };
}

/** A preset name or the text of a JSON file, parsed; a typed message for anything else. */
export function parseTrainingState(
  nameOrJson: string,
): { ok: true; state: TrainingPumpState } | { ok: false; message: string } {
  if ((trainingPresetNames as readonly string[]).includes(nameOrJson))
    return { ok: true, state: trainingPresets[nameOrJson as TrainingPreset] };
  let raw: unknown;
  try {
    raw = JSON.parse(nameOrJson);
  } catch {
    return { ok: false, message: `not a preset (${trainingPresetNames.join(', ')}) and not JSON` };
  }
  const parsed = TrainingPumpStateSchema.safeParse(raw);
  return parsed.success
    ? { ok: true, state: parsed.data }
    : { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
