import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers';

/**
 * Several real processes find the same stale lock of a head file (left by a process that no
 * longer runs) at the same instant: exactly one takes it over at a time — their times holding the
 * lock never overlap — and every one of them gets it in turn.
 */
let build: { dir: string; cleanup: () => void };
let holder: string;
let dir: string;
let cleanup: () => void;
const hook = resolve('test/support/slow-lock-removal.cjs');

beforeAll(() => {
  build = tempDir('lock-holder-');
  holder = join(build.dir, 'lock-holder.cjs');
  buildSync({
    entryPoints: [resolve('test/support/lock-holder.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: holder,
    logLevel: 'error',
  });
  return () => build.cleanup();
});
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const run = (lock: string, log: string, startAt: number, holdMs: number) =>
  new Promise<number | null>((done) => {
    // Each removal of the lock waits a random while: a process that judged the stale lock stale
    // reaches its removal after another has already taken the lock anew.
    const p = spawn(process.execPath, ['-r', hook, holder, lock, log, String(startAt), String(holdMs)], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, LOCK_REMOVAL_JITTER_MS: '120' },
    });
    p.on('exit', (code) => done(code));
  });

/** The id of a process that has ended. */
const deadPid = (): number => {
  const p = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(p.stdout);
};

describe('a stale head lock taken over by several processes at once', () => {
  it.each([1, 2, 3])('is taken by one at a time (round %i)', async () => {
    const lock = join(dir, 'db-x.head.lock');
    const log = join(dir, 'holders.log');
    writeFileSync(lock, String(deadPid()));
    const count = 6;
    const startAt = Date.now() + 1500; // every process is loaded and waiting by then
    const codes = await Promise.all(Array.from({ length: count }, () => run(lock, log, startAt, 150)));
    expect(codes).toEqual(Array(count).fill(0));
    const events = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [what, pid, at] = line.split(' ');
        return { what, pid, at: BigInt(at ?? '0') };
      })
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    // Held by one process at a time: enter and leave alternate, each leave by the process that entered.
    expect(events).toHaveLength(2 * count);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]?.what, `event ${i}`).toBe('enter');
      expect(events[i + 1]).toMatchObject({ what: 'leave', pid: events[i]?.pid });
    }
    expect(new Set(events.map((e) => e.pid)).size).toBe(count);
    // Nothing is left behind: no lock, no takeover file.
    expect(existsSync(lock)).toBe(false);
    expect(readdirSync(dir).filter((f) => f !== 'holders.log')).toEqual([]);
  });
});
