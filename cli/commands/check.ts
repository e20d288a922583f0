import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CheckInputSchema } from '../../core/calc/schemas';
import { defaultLibrary } from '../../core/library/defaults';
import { DrugLibrarySchema, type DrugLibrary } from '../../core/library/schema';
import { checkDose } from '../../core/library/validate';
import { defaultPumpModel, findPumpModel } from '../../core/models';
import { appError, err, fromZodError, ok, type Result } from '../../core/result';
import { UsageError, type ExitCode, type Io } from '../output';
import { readJsonStdin } from '../stdin';
import { print } from './calc';

async function loadLibrary(path: string | undefined): Promise<Result<DrugLibrary>> {
  if (path === undefined) return ok(defaultLibrary);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return err(appError('INVALID_INPUT', `cannot read the library file ${path}: ${(e as Error).message}`, 'library'));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return err(
      appError('INVALID_INPUT', `the library file ${path} is not valid JSON: ${(e as Error).message}`, 'library'),
    );
  }
  const parsed = DrugLibrarySchema.safeParse(raw);
  if (!parsed.success) {
    const e = fromZodError(parsed.error);
    return err({ ...e, message: `the library file ${path} is not a valid drug library: ${e.message}` });
  }
  return ok(parsed.data);
}

export async function checkCommand(argv: string[], io: Io): Promise<ExitCode> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { json: { type: 'boolean', default: false }, library: { type: 'string' } },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const library = await loadLibrary(values.library);
  if (!library.ok) return print(io, values.json, library);
  const input = await readJsonStdin();
  if (!input.ok) return print(io, values.json, input);
  const parsed = CheckInputSchema.safeParse(input.value);
  if (!parsed.success) return print(io, values.json, err(fromZodError(parsed.error)));
  const model = parsed.data.pumpModel === undefined ? defaultPumpModel() : findPumpModel(parsed.data.pumpModel);
  if (model === undefined)
    return print(
      io,
      values.json,
      err(appError('INVALID_INPUT', `unknown pump model "${parsed.data.pumpModel}"`, 'pumpModel')),
    );
  return print(io, values.json, checkDose(library.value, parsed.data, model));
}
