import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportVerification } from '../../cli/commands/audit';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { tempDir } from './helpers';

/**
 * A checkpoint committed in the database whose head file was never written (the process died
 * between the commit and the head write): the file on disk is the head of the checkpoint before.
 */
let dir: string;
let cleanup: () => void;
let db: Db;
let keys: FileKeyStore;
let audit: AuditLog;
const record = (n: number) => {
  for (let i = 0; i < n; i++)
    audit.append({ atUtc: new Date().toISOString(), actor: 'dr.li', action: 'pump.interrogate', outcome: 'confirmed' });
};
const headFile = () => join(dir, 'keys', readdirSync(join(dir, 'keys')).find((f) => f.endsWith('.head')) ?? '');

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  keys = new FileKeyStore(join(dir, 'keys'));
  db = openDatabase(join(dir, 'trail.sqlite'));
  audit = new AuditLog(db, keys);
  record(3);
  audit.checkpoint();
});
afterEach(() => {
  db.close();
  cleanup();
});

describe('a head file behind the last checkpoint', () => {
  it('is reported by verify (headBehind) and warned about by the CLI, which still exits 0', () => {
    copyFileSync(headFile(), join(dir, 'old.head'));
    record(2);
    audit.checkpoint();
    // The crash: the head file is the one from before the second checkpoint.
    copyFileSync(join(dir, 'old.head'), headFile());

    const report = verifyAudit(db, keys);
    expect(report).toMatchObject({ status: 'intact', headBehind: { headSeq: 3, lastCheckpointSeq: 5 } });
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(reportVerification(io, false, report)).toBe(0);
    expect(out.join('')).toContain('Audit trail intact');
    expect(err.join('')).toMatch(/warning: the signed head .* names record 3, behind the last checkpoint .*record 5/);
    // With --json the report (printed as it is) carries it; the warning goes to stderr, stdout stays one JSON document.
    const jsonOut: string[] = [];
    expect(reportVerification({ out: (t) => jsonOut.push(t), err: () => undefined }, true, report)).toBe(0);
    expect(jsonOut).toEqual([]);
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ headBehind: { headSeq: 3, lastCheckpointSeq: 5 } });
  });

  it('is not reported when the head file names the last checkpoint', () => {
    record(2);
    audit.checkpoint();
    const report = verifyAudit(db, keys);
    expect(report.status).toBe('intact');
    expect(report.headBehind).toBeUndefined();
    const err: string[] = [];
    expect(reportVerification({ out: () => undefined, err: (t) => err.push(t) }, false, report)).toBe(0);
    expect(err.join('')).not.toContain('warning');
  });
});
