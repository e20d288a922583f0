import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { bridgeBolus } from '../../core/calc/bridge';
import { rateForDose } from '../../core/calc/dose';
import { flexSummary } from '../../core/calc/flex';
import { refillForecast } from '../../core/calc/refill';
import { BridgeInputSchema, FlexInputSchema, RateInputSchema, RefillInputSchema } from '../../core/calc/schemas';
import { defaultPumpModel, findPumpModel, pumpModels, type PumpModel } from '../../core/models';
import { said } from '../../core/messages';
import { err, fromZodError, type Result } from '../../core/result';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';
import { readJsonStdin } from '../stdin';

type Calculation = (input: unknown, modelOption: string | undefined) => Result<unknown>;

/**
 * Parses with the schema, resolves the pump model (`--pump-model` or the input's `pumpModel`, the
 * same one if both; by default the default model), runs the calculation: every calculation answers
 * only with rates that model can run.
 */
const calculation =
  <S extends z.ZodType>(schema: S, run: (input: z.output<S>, model: PumpModel) => Result<unknown>): Calculation =>
  (raw, modelOption) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return err(fromZodError(parsed.error));
    const fromInput = (parsed.data as { pumpModel?: string }).pumpModel;
    if (fromInput !== undefined && modelOption !== undefined && fromInput !== modelOption) {
      return err(said('INVALID_INPUT', 'pumpModelsDiffer', { option: modelOption, input: fromInput }, 'pumpModel'));
    }
    const modelId = modelOption ?? fromInput;
    const model = modelId === undefined ? defaultPumpModel() : findPumpModel(modelId);
    if (model === undefined)
      return err(
        said(
          'INVALID_INPUT',
          'unknownPumpModelKnown',
          { model: modelId ?? '', known: pumpModels.map((m) => m.id).join(', ') },
          'pumpModel',
        ),
      );
    return run(parsed.data, model);
  };

const calculations: Record<string, Calculation> = {
  rate: calculation(RateInputSchema, (i, m) => rateForDose(i, m)),
  bridge: calculation(BridgeInputSchema, (i, m) => bridgeBolus(i, m)),
  flex: calculation(FlexInputSchema, (i, m) => flexSummary(i, m)),
  refill: calculation(RefillInputSchema, (i, m) => refillForecast(i, m)),
};

export async function calcCommand(argv: string[], io: Io): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, 'pump-model': { type: 'string' } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [name, ...extra] = parsed.positionals;
  const calc = name === undefined ? undefined : calculations[name];
  if (calc === undefined || extra.length > 0)
    throw new UsageError(`calc needs one of: ${Object.keys(calculations).join(', ')}`);
  const input = await readJsonStdin();
  const result = input.ok ? calc(input.value, parsed.values['pump-model']) : input;
  return print(io, parsed.values.json, result);
}

export function print(io: Io, json: boolean, result: Result<unknown>): ExitCode {
  if (!result.ok) return fail(io, json, result.error);
  io.out(`${JSON.stringify(result.value)}\n`);
  return EXIT.ok;
}
