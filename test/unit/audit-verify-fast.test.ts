import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { AUDIT_COLUMNS } from '../../db/audit/record';
import { verifyAudit } from '../../db/audit/verify';
import { tempDir } from './helpers';

let cleanup: () => void;
let db: Db;
let keys: FileKeyStore;
let audit: AuditLog;

beforeEach(() => {
  let dir: string;
  ({ dir, cleanup } = tempDir());
  db = openDatabase(join(dir, 'v.sqlite'));
  keys = new FileKeyStore(join(dir, 'keys'));
  audit = new AuditLog(db, keys, { checkpointEvery: 4 });
});
afterEach(() => {
  db.close();
  cleanup();
});

// Text a trail holds: quotes, backslashes, controls, non-BMP characters, separators, Chinese.
const TRICKY = [
  '"quoted" \\ back\\slash',
  'tab\there\nnew line\r\u0001\u001f\u007f',
  'emoji 😀 and 中文 张伟',
  'line\u2028separator\u2029',
  '</script><b>',
  'ünïcödé é',
  '\\u0041 written out',
  '',
];

describe('the verifier reads each record as JSON written by SQLite, and hashes it exactly as the rule says', () => {
  it('verifies records holding any text, and finds a change to any of them', () => {
    for (const [i, text] of TRICKY.entries()) {
      audit.append({
        atUtc: `2026-03-01T08:00:0${i}Z`,
        actor: 'dr.li',
        patientId: text === '' ? null : `P-${i}`,
        action: 'patient.update',
        old: { note: text },
        new: { note: `${text}!`, n: i, dose: '0.125' },
        reason: text,
        outcome: 'confirmed',
      });
    }
    audit.checkpoint();
    expect(verifyAudit(db, keys)).toMatchObject({ status: 'intact', records: TRICKY.length });

    // Where SQLite's JSON is JS's (the fast path), nothing is re-read; either way the record verifies.
    const fast = db
      .prepare(`SELECT json_array(${AUDIT_COLUMNS.join(', ')}) FROM audit_log ORDER BY seq`)
      .pluck()
      .all() as string[];
    const exact = db
      .prepare(`SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log ORDER BY seq`)
      .raw(true)
      .all()
      .map((r) => JSON.stringify(r));
    expect(fast.filter((text, i) => text === exact[i]).length).toBeGreaterThanOrEqual(TRICKY.length - 1);

    // A change with plain SQLite to the record whose text is the trickiest is found.
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare(`UPDATE audit_log SET reason = ? WHERE seq = 2`).run('tab\there\nnew line\r\u0001\u001f\u007e');
    expect(verifyAudit(db, keys)).toMatchObject({
      status: 'failed',
      firstFailure: { seq: 2, problem: 'HASH_MISMATCH' },
    });
  });
});

describe('text SQLite cannot store as it was given', () => {
  it('a lone surrogate (JSON "\\ud800" sent to the API, a name typed at sign-in) is hashed as stored: the trail still verifies', () => {
    audit.append({
      atUtc: '2026-03-01T08:00:00Z',
      actor: 'someone\ud800',
      action: 'user.signIn',
      reason: 'wrong \udc00 password',
      old: { note: 'x\ud800' },
      outcome: 'rejected',
    });
    audit.append({
      atUtc: '2026-03-01T08:00:01Z',
      actor: 'dr.li',
      action: 'patient.update',
      reason: 'pair 😀 kept',
      outcome: 'confirmed',
    });
    audit.checkpoint();
    expect(verifyAudit(db, keys)).toMatchObject({ status: 'intact', records: 2 });
    expect(db.prepare('SELECT actor FROM audit_log WHERE seq = 1').pluck().get()).toBe('someone\ufffd');
    expect(db.prepare('SELECT reason FROM audit_log WHERE seq = 2').pluck().get()).toBe('pair 😀 kept');
  });
});
