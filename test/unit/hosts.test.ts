import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers';
import { DatabaseKeyFile } from '../../db/audit/keys';
import { openStoreReadOnly } from '../../db/store';

// These run the built entry points (`npm test` builds before running them).
const pumpctl = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/pumpctl.cjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, PUMP_AUDIT_KEY_DIR: join(dir, 'keys'), ...env },
  });

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('pumpctl interrogate', () => {
  it('prints the simulated pump status as JSON through the real driver', () => {
    const run = pumpctl(['interrogate', '--sim', '--json']);
    expect(run.status).toBe(0);
    const status = JSON.parse(run.stdout) as Record<string, unknown>;
    for (const key of ['model', 'serial', 'drug', 'concentration', 'dailyDose', 'mode', 'reservoirVolume', 'alarms']) {
      expect(status).toHaveProperty(key);
    }
    expect(status['concentration']).toEqual({ value: '10', unit: 'mg/mL' });
    expect(status['dailyDose']).toEqual({ value: '3', unit: 'mg/day' });
  });

  it('records the interrogation when given a database', () => {
    const path = join(dir, 'cli.sqlite');
    const run = pumpctl(['interrogate', '--sim', '--json', '--db', path]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ recordId: 1 });
    // Encrypted at rest with the key folder's database key.
    const db = openStoreReadOnly(path, new DatabaseKeyFile(join(dir, 'keys')));
    expect(db.prepare(`SELECT actor, action FROM audit_log`).all()).toEqual([
      { actor: 'workstation:cli', action: 'pump.interrogate' },
    ]);
    db.close();
  });

  it('exits 3 with a JSON error when no wand is there and --sim was not given', () => {
    const run = pumpctl(['interrogate', '--json']);
    expect(run.status).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'WAND_NOT_FOUND' } });
    expect(run.stderr).toContain('--sim');
  });

  it('exits 1 with the usage on an unknown command or option', () => {
    expect(pumpctl(['frobnicate']).status).toBe(1);
    const bad = pumpctl(['interrogate', '--sim', '--colour']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('Usage');
  });

  it('exits 2 with the remedy when the database is from a newer version', () => {
    const path = join(dir, 'newer.sqlite');
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.close();
    const run = pumpctl(['interrogate', '--sim', '--json', '--db', path]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('newer version');
  });
});

describe('npm start without the Electron runtime', () => {
  it('exits non-zero with a message that names the web host command', () => {
    const run = spawnSync(process.execPath, ['scripts/start-electron.mjs'], {
      encoding: 'utf8',
      env: { ...process.env, PUMP_ELECTRON_DIR: dir },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm run start:web');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('electron-builder.yml', () => {
  const config = parse(readFileSync('electron-builder.yml', 'utf8')) as {
    linux: { target: string[] };
    win: { target: string[] };
    nsis: { perMachine: boolean; oneClick: boolean };
    mac: { target: string[] };
    asar: boolean;
    asarUnpack: string[];
    electronFuses: Record<string, boolean>;
    deb: { recommends: string[] };
  };

  it('builds AppImage and deb, per-machine NSIS and dmg', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toContain('nsis');
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    expect(config.mac.target).toContain('dmg');
  });

  it('unpacks the native modules from the asar archive', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack.join(' ')).toContain('better-sqlite3');
    expect(config.asarUnpack.join(' ')).toContain('usb');
  });

  it('flips the security fuses at packaging', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('recommends a CJK font on Linux', () => {
    expect(config.deb.recommends.join(' ')).toContain('fonts-wqy-microhei');
  });
});
