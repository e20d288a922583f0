import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Runs the same dependency-cruiser configuration `npm run lint` uses, on a miniature tree whose
// files break the rules on purpose: the check must catch every one of them.
const cruise = (cwd: string, paths: string[]) =>
  spawnSync(
    process.execPath,
    [
      resolve('node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      '--config',
      '../../../.dependency-cruiser.cjs',
      '--output-type',
      'err',
      ...paths,
    ],
    {
      cwd,
      encoding: 'utf8',
    },
  );

describe('the import-boundary check', () => {
  it('fails when the renderer imports from db/, core from node:, drivers from db/', () => {
    const run = cruise('test/fixtures/boundaries', ['renderer', 'core', 'drivers', 'db']);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('renderer-stays-in-the-page: renderer/screen.ts → db/store.ts');
    expect(run.stdout).toContain('core-is-pure: core/math.ts → fs');
    expect(run.stdout).toContain('drivers-not-db: drivers/link.ts → db/store.ts');
    expect(run.stdout).toContain('3 dependency violations');
  });
});
