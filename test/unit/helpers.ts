import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'pump-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock tests can move: the simulator and services read time only through it. */
export function manualClock(start = new Date('2026-03-01T08:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advanceDays(days: number) {
      now += days * 86_400_000;
    },
  };
}
