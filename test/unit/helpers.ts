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
    advanceMinutes(minutes: number) {
      now += minutes * 60_000;
    },
  };
}

type DispatchLike = (channel: unknown, input: unknown) => Promise<{ ok: boolean }>;
export const TEST_PASSWORD = 'correct horse battery';

/**
 * Creates the first administrator, a physician and two nurses through the API, and leaves the
 * workstation signed in as `as` (admin, dr.li, nurse.wang or nurse.zhao).
 */
export async function signInThrough(dispatch: DispatchLike, as = 'dr.li'): Promise<void> {
  const must = async (channel: string, input: unknown) => {
    const r = await dispatch(channel, input);
    if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r)}`);
  };
  await must('auth:setup', { username: 'admin', displayName: 'Site Admin', password: TEST_PASSWORD });
  await must('users:create', { username: 'dr.li', displayName: 'Dr Li', password: TEST_PASSWORD, role: 'physician' });
  await must('users:create', {
    username: 'dr.chen',
    displayName: 'Dr Chen',
    password: TEST_PASSWORD,
    role: 'physician',
  });
  await must('users:create', {
    username: 'nurse.wang',
    displayName: 'Nurse Wang',
    password: TEST_PASSWORD,
    role: 'nurse',
  });
  await must('users:create', {
    username: 'nurse.zhao',
    displayName: 'Nurse Zhao',
    password: TEST_PASSWORD,
    role: 'nurse',
  });
  await must('auth:signIn', { username: as, password: TEST_PASSWORD });
}
