import { appError, err, ok, type Result } from '../core/result';

const MAX_INPUT_BYTES = 1024 * 1024;

/** Reads one JSON value from standard input, with a clear error for a terminal, empty or bad input. */
export async function readJsonStdin(
  stream: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): Promise<Result<unknown>> {
  if (stream.isTTY === true)
    return err(
      appError('INVALID_INPUT', "expected a JSON object on standard input, e.g. echo '{...}' | pumpctl calc rate"),
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_INPUT_BYTES)
      return err(appError('INVALID_INPUT', `the input is larger than ${MAX_INPUT_BYTES} bytes`));
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return err(appError('INVALID_INPUT', 'no input: expected a JSON object on standard input'));
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(appError('INVALID_INPUT', `the input is not valid JSON: ${(e as Error).message}`));
  }
}
