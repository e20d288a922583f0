import * as z from 'zod';
import { DrugSchema } from '../pump';
import { IndicationSchema, OpioidToleranceSchema, SpasticityOriginSchema } from '../library/schema';
import { StrictQuantity } from '../units';

/**
 * Inputs of the calculations as `pumpctl calc` and `pumpctl check` read them (docs/cli.md):
 * strict objects (an unknown field is an error), quantities as decimal strings with units.
 */
const pumpModel = z.string().min(1).max(40).optional();
const date = z.iso.date({ error: 'must be a date YYYY-MM-DD' });
const wholeDays = z.union([
  z.number().int().min(0).max(3650),
  z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number of days')
    .transform(Number),
]);

export const RateInputSchema = z.strictObject({
  concentration: StrictQuantity.concentration,
  dailyDose: StrictQuantity.dailyDose,
  pumpModel,
});

export const BridgeInputSchema = z.strictObject({
  dailyDose: StrictQuantity.dailyDose,
  oldConcentration: StrictQuantity.concentration,
  newConcentration: StrictQuantity.concentration,
  deadVolume: StrictQuantity.volume,
  pumpModel,
});

export const FlexInputSchema = z.strictObject({
  concentration: StrictQuantity.concentration,
  steps: z
    .array(z.strictObject({ start: z.string().max(5), rate: StrictQuantity.rate }))
    .min(1)
    .max(48),
  pumpModel,
});

export const RefillInputSchema = z.strictObject({
  capacity: StrictQuantity.volume,
  alarmVolume: StrictQuantity.volume,
  fillVolume: StrictQuantity.volume,
  rate: StrictQuantity.rate,
  fillDate: date,
  expectedResidual: StrictQuantity.volume.optional(),
  withdrawnVolume: StrictQuantity.volume.optional(),
  maxBolusVolumePerDay: StrictQuantity.rate.optional(),
  stabilityDays: wholeDays.optional(),
  replaceByDate: date.optional(),
  pumpModel,
});

export const CheckInputSchema = z.strictObject({
  drug: DrugSchema,
  concentration: StrictQuantity.concentration,
  dailyDose: StrictQuantity.dailyDose,
  previousDailyDose: StrictQuantity.dailyDose.optional(),
  indication: IndicationSchema.optional(),
  tolerance: OpioidToleranceSchema.optional(),
  spasticityOrigin: SpasticityOriginSchema.optional(),
  history: z
    .array(z.strictObject({ at: z.iso.datetime({ offset: true }), dailyDose: StrictQuantity.dailyDose }))
    .max(500)
    .optional(),
  now: z.iso.datetime({ offset: true }).optional(),
  pumpModel,
});
