import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers';
import { applyKey, Database } from '../../db/connection';
import { DatabaseKeyFile } from '../../db/audit/keys';

/** A connection to a database pumpctl made (encrypted at rest with the key folder's database key). */
const keyed = (file: string) => {
  const c = new Database(file);
  const key = new DatabaseKeyFile(join(dir, 'keys')).read();
  if (key !== undefined) applyKey(c, key);
  return c;
};

let dir: string;
let cleanup: () => void;
let db: string;
const pumpctl = (args: string[]) =>
  spawnSync(process.execPath, ['bin/pumpctl.cjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, PUMP_AUDIT_KEY_DIR: join(dir, 'keys') },
  });

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = join(dir, 'trail.sqlite');
  for (let i = 0; i < 3; i++) expect(pumpctl(['interrogate', '--sim', '--db', db]).status).toBe(0);
});
afterEach(() => cleanup());

describe('pumpctl audit', () => {
  it('verify exits 0 on an intact trail and 4 naming the first failing record', () => {
    const intact = pumpctl(['audit', 'verify', '--db', db, '--json']);
    expect(intact.status).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, records: 3 });

    const plain = keyed(db);
    plain.exec(`DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone' WHERE seq = 2;`);
    plain.close();
    const broken = pumpctl(['audit', 'verify', '--db', db]);
    expect(broken.status).toBe(4);
    expect(broken.stderr).toContain('record 2');
  });

  it('verify exits 5, "unverifiable without the key", where the key folder is not', () => {
    // The auditor has the database key (the trail can be read) but not the audit key.
    mkdirSync(join(dir, 'elsewhere'), { mode: 0o700 });
    copyFileSync(join(dir, 'keys', 'database.key'), join(dir, 'elsewhere', 'database.key'));
    const run = spawnSync(process.execPath, ['bin/pumpctl.cjs', 'audit', 'verify', '--db', db], {
      encoding: 'utf8',
      env: { ...process.env, PUMP_AUDIT_KEY_DIR: join(dir, 'elsewhere') },
    });
    expect(run.status).toBe(5);
    expect(run.stderr).toContain('unverifiable without the key');
    expect(run.stdout).not.toContain('intact');
  });

  it('verify refuses a missing file with a clear message', () => {
    const run = pumpctl(['audit', 'verify', '--db', join(dir, 'nope.sqlite')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Cannot open the database');
  });

  it('exports CSV, JSON and a FHIR R4 bundle, recording the export itself', () => {
    const csv = pumpctl(['audit', 'export', '--db', db, '--format', 'csv']);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toBe(
      'seq,at_utc,pump_time,actor,role,witness,patient_id,pump_serial,action,old_json,new_json,reason,acks_json,library_version,outcome,prev_hash,hash',
    );
    expect(lines).toHaveLength(5); // header, 3 interrogations, the export
    expect(lines[4]).toContain('audit.export');

    const out = join(dir, 'trail.json');
    expect(pumpctl(['audit', 'export', '--db', db, '--format', 'json', '--out', out]).status).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as {
      hashRule: string;
      records: Array<{ seq: number; hash: string }>;
    };
    expect(json.hashRule).toContain('SHA-256');
    expect(json.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);

    const fhir = JSON.parse(pumpctl(['audit', 'export', '--db', db, '--format', 'fhir']).stdout) as {
      resourceType: string;
      type: string;
      entry: Array<{ resource: { resourceType: string; action: string; outcome: string; recorded: string } }>;
    };
    expect(fhir).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(fhir.entry[0]?.resource).toMatchObject({ resourceType: 'AuditEvent', action: 'R', outcome: '0' });
    expect(pumpctl(['audit', 'verify', '--db', db]).status).toBe(0);
  });

  it('exits 1 without --db or with an unknown format', () => {
    expect(pumpctl(['audit', 'verify']).status).toBe(1);
    expect(pumpctl(['audit', 'export', '--db', db, '--format', 'xml']).status).toBe(1);
  });
});

describe('pumpctl demo', () => {
  it('fills a database whose trail verifies, and prints the accounts it made', () => {
    const demo = join(dir, 'demo.sqlite');
    const run = pumpctl(['demo', '--db', demo, '--sessions', '12', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ sessions: 12, patients: 3 });
    expect(pumpctl(['audit', 'verify', '--db', demo]).status).toBe(0);
    // Running it again adds sessions to the same demo accounts.
    expect(pumpctl(['demo', '--db', demo, '--sessions', '3', '--json']).status).toBe(0);
    expect(pumpctl(['audit', 'verify', '--db', demo]).status).toBe(0);
  });

  it('exits 1 on a session count that is not a positive whole number', () => {
    expect(pumpctl(['demo', '--db', db, '--sessions', '0']).status).toBe(1);
    expect(pumpctl(['demo', '--db', db, '--sessions', 'many']).status).toBe(1);
  });
});

describe('pumpctl backup and restore', () => {
  it('restores a backup so that the trail verifies afterwards, and unlocks a user at the workstation', () => {
    const out = join(dir, 'copy.sqlite');
    expect(pumpctl(['backup', '--db', db, '--out', out]).status).toBe(0);
    expect(pumpctl(['interrogate', '--sim', '--db', db]).status).toBe(0);
    const run = pumpctl(['restore', '--db', db, '--from', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(pumpctl(['audit', 'verify', '--db', db, '--json']).stdout)).toMatchObject({
      status: 'intact',
      records: 4,
    });
    expect(pumpctl(['users', 'unlock', '--db', db, '--user', 'nobody']).status).toBe(2);
    expect(pumpctl(['restore', '--db', db]).status).toBe(1);
  });

  it('writes a verified copy and refuses to overwrite one', () => {
    const out = join(dir, 'copy.sqlite');
    const run = pumpctl(['backup', '--db', db, '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('verified');
    expect(pumpctl(['audit', 'verify', '--db', out]).status).toBe(0);
    expect(pumpctl(['backup', '--db', db, '--out', out]).status).toBe(2);
  });
});
