import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../db/audit/keys';
import { tempDir } from './helpers';

/**
 * Two real processes write the head of one database file: the one that signed the earlier record
 * is slowed just before its rename (a preload hook), so the later head lands first. The head
 * must never move backwards.
 */
const ID = '0123456789abcdef0123456789abcdef';
let build: { dir: string; cleanup: () => void };
let writer: string;
let dir: string;
let cleanup: () => void;
const hook = resolve('test/support/slow-head-rename.cjs');

beforeAll(() => {
  build = tempDir('head-writer-');
  writer = join(build.dir, 'head-writer.cjs');
  buildSync({
    entryPoints: [resolve('test/support/head-writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: writer,
    logLevel: 'error',
  });
  return () => build.cleanup();
});
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const write = (seq: number, env: Record<string, string> = {}) =>
  new Promise<number | null>((done) => {
    const p = spawn(
      process.execPath,
      ['-r', hook, writer, join(dir, 'keys'), '/clinic/programmer.sqlite', ID, String(seq)],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    p.on('exit', (code) => done(code));
  });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('the head file under two processes', () => {
  it('a slow writer of an earlier head never replaces a later one', async () => {
    const log = join(dir, 'renames.log');
    const slow = write(5, { SLOW_HEAD_RENAME_MS: '1500', HEAD_RENAME_LOG: log });
    // The slow process has signed record 5 and is about to rename its head into place.
    await until(() => existsSync(log));
    const fast = write(6);
    expect(await fast).toBe(0);
    expect(await slow).toBe(0);
    const keys = new FileKeyStore(join(dir, 'keys'));
    expect(keys.readHead('/clinic/programmer.sqlite')).toMatchObject({ databaseId: ID, seq: 6, mac: 'mac-6' });
    // No lock and no temporary file is left behind.
    expect(readdirSync(join(dir, 'keys')).filter((f) => !f.endsWith('.head') && !f.endsWith('.slots'))).toEqual([]);
  });

  it('an earlier head written after a later one is skipped; a later one replaces it', async () => {
    expect(await write(6)).toBe(0);
    expect(await write(4)).toBe(0);
    const keys = new FileKeyStore(join(dir, 'keys'));
    expect(keys.readHead('/clinic/programmer.sqlite')?.seq).toBe(6);
    expect(await write(7)).toBe(0);
    expect(keys.readHead('/clinic/programmer.sqlite')?.seq).toBe(7);
  });

  it('a lock left by a process that stopped does not block the next writer', async () => {
    expect(await write(3)).toBe(0);
    const keys = new FileKeyStore(join(dir, 'keys'));
    const head = readdirSync(join(dir, 'keys')).find((f) => f.endsWith('.head')) ?? '';
    // A process id that is not running (the kernel's limit is far below it).
    writeFileSync(join(dir, 'keys', `${head}.lock`), '2147483646', { mode: 0o600 });
    expect(await write(8)).toBe(0);
    expect(keys.readHead('/clinic/programmer.sqlite')?.seq).toBe(8);
    expect(readFileSync(join(dir, 'keys', head), 'utf8')).toContain('"seq":8');
  });
});
