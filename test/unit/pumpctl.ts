import { spawnSync } from 'node:child_process';

// The built pumpctl, fed on standard input as a user or script would (`npm test` builds first).
export const pumpctl = (args: string[], input: unknown) =>
  spawnSync(process.execPath, ['bin/pumpctl.cjs', ...args], {
    input: typeof input === 'string' ? input : JSON.stringify(input),
    encoding: 'utf8',
  });

export const json = (run: ReturnType<typeof pumpctl>): unknown => JSON.parse(run.stdout);
