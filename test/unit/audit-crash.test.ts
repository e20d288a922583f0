import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../db/audit/keys';
import { verifyAudit } from '../../db/audit/verify';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

/** Runs the writer, kills it with SIGKILL after `ms`, and returns the last seq it reported. */
function writeThenKill(dbPath: string, keyDir: string, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/test/audit-writer.cjs', dbPath, keyDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      timer ??= setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended without being killed: ${err}`));
      const lines = out.split('\n').filter((l) => /^\d+$/.test(l));
      resolve(Number(lines.at(-1) ?? 0));
    });
  });
}

describe('audit durability under SIGKILL', () => {
  it('keeps every record whose append returned, an intact file and a verifying chain, kill after kill', async () => {
    const dbPath = join(dir, 'crash.sqlite');
    const keyDir = join(dir, 'keys');
    let previous = 0;
    for (let round = 0; round < 12; round++) {
      // Kill at a different point of the write cycle every time.
      const lastReported = await writeThenKill(dbPath, keyDir, 40 + ((round * 97) % 300));
      expect(lastReported).toBeGreaterThan(previous);
      const db = new Database(dbPath);
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const max = db.prepare('SELECT max(seq) FROM audit_log').pluck().get() as number;
        expect(max).toBeGreaterThanOrEqual(lastReported);
        const report = verifyAudit(db, new FileKeyStore(keyDir));
        expect(report.firstFailure).toBeUndefined();
        expect(report.ok).toBe(true);
        previous = max;
      } finally {
        db.close();
      }
    }
  }, 120_000);
});
