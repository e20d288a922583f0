import PlainDatabase from 'better-sqlite3';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPlainDatabaseFile, openDatabase } from '../../db/connection';
import { DatabaseKeyFile, FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { encryptionLockPath, openStore } from '../../db/store';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let path: string;
let keys: FileKeyStore;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  path = join(dir, 'programmer.sqlite');
  keys = new FileKeyStore(join(dir, 'keys'));
  // A database as an earlier release wrote it: plain, with a signed trail.
  const db = openDatabase(path);
  const audit = new AuditLog(db, keys, { checkpointEvery: 10 });
  for (let i = 0; i < 30; i++)
    audit.append({
      atUtc: '2026-03-01T08:00:00Z',
      actor: 'dr.li',
      action: 'pump.interrogate',
      new: { i },
      outcome: 'confirmed',
    });
  audit.checkpoint();
  db.close();
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  cleanup();
});

/**
 * Another program (a second process, plain SQLite) with the database open: it says `ready` once it
 * has read it, and writes a setting whenever it is sent a line.
 */
function otherProgram(
  file: string,
): Promise<{ child: ChildProcessWithoutNullStreams; write: (n: number) => Promise<string> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)}, { timeout: 2000 });
    db.prepare('SELECT count(*) FROM audit_log').get();
    console.log('ready');
    require('node:readline').createInterface({ input: process.stdin }).on('line', (n) => {
      try { db.prepare("INSERT INTO site_settings (key, value) VALUES ('other.' || ?, '1')").run(n); console.log('wrote ' + n); }
      catch (e) { console.log('failed ' + e.message); }
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  return next().then((first) => {
    expect(first).toBe('ready');
    return {
      child,
      write: (n: number) => {
        const answer = next();
        child.stdin.write(`${n}\n`);
        return answer;
      },
    };
  });
}

const open = () => openStore(path, { keyFile: new DatabaseKeyFile(keys.folder), auditKeys: keys });

describe('the one-time encryption of a plain database is locked against other processes', () => {
  it('refuses while another process has the plain file open, and loses none of its writes', async () => {
    const other = await otherProgram(path);
    expect(await other.write(1)).toBe('wrote 1');
    expect(open).toThrow(/another program has the database open/);
    // The plain file is as it was, and the other program goes on writing to it, not to a file replaced under it.
    expect(isPlainDatabaseFile(path)).toBe(true);
    expect(await other.write(2)).toBe('wrote 2');
    other.child.kill('SIGKILL');
    await new Promise((resolve) => other.child.once('exit', resolve));

    const db = open();
    try {
      expect(isPlainDatabaseFile(path)).toBe(false);
      expect(db.prepare(`SELECT key FROM site_settings WHERE key LIKE 'other.%' ORDER BY key`).pluck().all()).toEqual([
        'other.1',
        'other.2',
      ]);
      expect(verifyAudit(db, keys)).toMatchObject({ status: 'intact', records: 30 });
    } finally {
      db.close();
    }
    expect(readdirSync(dir).filter((f) => f.includes('encrypting'))).toEqual([]);
  });

  it('a process that opens the file while it is being encrypted is held off by SQLite’s lock', async () => {
    // The lock is taken by the encrypting connection: simulate its hold from a second process.
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(path)});
      db.pragma('journal_mode = DELETE'); db.pragma('locking_mode = EXCLUSIVE'); db.exec('BEGIN EXCLUSIVE; COMMIT');
      console.log('holding'); setInterval(() => undefined, 1000);`;
    const holder = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(holder);
    await new Promise<void>((resolve) => createInterface({ input: holder.stdout }).once('line', () => resolve()));
    const reader = new PlainDatabase(path, { timeout: 50 });
    expect(() => reader.prepare('SELECT count(*) FROM audit_log').get()).toThrow(/locked/);
    reader.close();
    expect(open).toThrow(/another program has the database open|locked/);
    expect(isPlainDatabaseFile(path)).toBe(true);
  });

  it('refuses while another live process holds the encryption lock; takes over a lock its dead owner left', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(sleeper);
    writeFileSync(encryptionLockPath(path), JSON.stringify({ pid: sleeper.pid, at: new Date().toISOString() }));
    expect(open).toThrow(new RegExp(`being encrypted by another program \\(process ${sleeper.pid ?? 0}\\)`));
    expect(isPlainDatabaseFile(path)).toBe(true);

    sleeper.kill('SIGKILL');
    await new Promise((resolve) => sleeper.once('exit', resolve));
    const db = open();
    try {
      expect(isPlainDatabaseFile(path)).toBe(false);
      expect(verifyAudit(db, keys)).toMatchObject({ status: 'intact', records: 30 });
    } finally {
      db.close();
    }
    expect(existsSync(encryptionLockPath(path))).toBe(false);
  });

  it('two processes encrypting at once: one encrypts, the other is refused or opens the encrypted file; the trail intact', async () => {
    // Two real processes race through the store's own code (the built test helper).
    const opener = (n: number) => {
      const child = spawn(process.execPath, ['dist/test/store-opener.cjs', path, keys.folder, String(n)], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      return new Promise<{ code: number | null; out: string }>((resolve) =>
        child.once('exit', (code) => resolve({ code, out })),
      );
    };
    const results = await Promise.all([opener(1), opener(2)]);
    const opened = results.filter((r) => r.code === 0);
    expect(opened.length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.code !== 0))
      expect(r.out).toMatch(/being encrypted by another program|another program has the database open|locked/);
    const db = open();
    try {
      // Every process that said it had written finds its record in the one file that remains.
      const written = db.prepare(`SELECT key FROM site_settings WHERE key LIKE 'opener.%' ORDER BY key`).pluck().all();
      expect(written).toEqual(opened.map((r) => `opener.${/opened (\d)/.exec(r.out)?.[1] ?? '?'}`).sort());
      expect(verifyAudit(db, keys)).toMatchObject({ status: 'intact', records: 30 });
    } finally {
      db.close();
    }
    expect(readdirSync(dir).filter((f) => f.includes('encrypting'))).toEqual([]);
  });
});
