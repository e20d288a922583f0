import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the seeded clinic is kept for the run (clinic.ts copies it for each web host). */
export const SEEDED_CLINIC = 'PUMP_E2E_SEEDED_CLINIC';

/**
 * Seeds the clinic once per run through the real services (dist/test/seed-clinic.cjs): six
 * accounts at the hosts' password cost take seconds, which each spec would otherwise spend again.
 * Each web host then starts on its own copy (clinic.ts).
 */
export default function globalSetup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'pump-e2e-seed-'));
  const run = spawnSync(
    process.execPath,
    ['dist/test/seed-clinic.cjs', join(dir, 'programmer.sqlite'), join(dir, 'keys')],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`seeding the clinic failed: ${run.stderr}`);
  process.env[SEEDED_CLINIC] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
