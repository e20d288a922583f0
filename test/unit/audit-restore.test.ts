import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restoreCommand } from '../../cli/commands/restore';
import { backupDatabase } from '../../db/backup';
import { openDatabase, openDatabaseReadOnly } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { confirmedPrograms, insertSession, openSessions, setSessionOutcome } from '../../db/queries/sessions';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
let live: string;
let backup: string;
let keys: FileKeyStore;

const entry = (i: number) => ({
  atUtc: new Date(Date.UTC(2026, 2, 1, 8, 0, i)).toISOString(),
  actor: 'nurse.wang',
  pumpSerial: 'SIM000123',
  action: 'pump.interrogate',
  new: { i },
  outcome: 'confirmed' as const,
});

/** A live trail of 100 records, backed up at record 60 (both signed), as the app and pumpctl backup make them. */
beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  process.env['PUMP_AUDIT_KEY_DIR'] = join(dir, 'keys');
  keys = new FileKeyStore(join(dir, 'keys'));
  live = join(dir, 'programmer.sqlite');
  backup = join(dir, 'backup.sqlite');
  const db = openDatabase(live);
  const audit = new AuditLog(db, keys);
  for (let i = 1; i <= 60; i++) audit.append(entry(i));
  audit.checkpoint();
  await backupDatabase(db, backup, keys);
  for (let i = 61; i <= 100; i++) audit.append(entry(i));
  audit.checkpoint();
  db.close();
});
afterEach(() => cleanup());

const verify = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return verifyAudit(db, keys);
  } finally {
    db.close();
  }
};

const restore = async (args: string[]) => {
  let out = '';
  let err = '';
  const code = await restoreCommand(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
};

describe('restoring a backup', () => {
  it('by copying the file over the database fails verification for good (why the command exists)', () => {
    copyFileSync(backup, live);
    expect(verify(live).firstFailure).toMatchObject({ problem: 'TRUNCATED' });
  });

  it('with pumpctl restore leaves a trail that verifies, with the restore and what it replaced on record', async () => {
    const run = await restore(['--db', live, '--from', backup]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Records 61–100 of the replaced file are not in the restored one');
    expect(verify(live)).toMatchObject({ status: 'intact', records: 61, lastCheckpointSeq: 61 });

    const db = openDatabaseReadOnly(live);
    const record = db
      .prepare(`SELECT seq, actor, old_json, new_json FROM audit_log WHERE action = 'audit.restore'`)
      .get() as { seq: number; actor: string; old_json: string; new_json: string };
    db.close();
    expect(record.seq).toBe(61);
    expect(record.actor).toMatch(/^cli:/);
    expect(JSON.parse(record.old_json)).toMatchObject({ head: { seq: 100 } });
    expect(JSON.parse(record.new_json)).toMatchObject({ from: backup, restoredSeq: 60 });

    // The replaced file is kept, and still verifies as what it was.
    const replaced = readdirSync(dir).find(
      (f) => f.startsWith('programmer.sqlite.replaced-') && !f.endsWith('-wal') && !f.endsWith('-shm'),
    );
    expect(replaced).toBeDefined();
    expect(verify(join(dir, replaced ?? ''))).toMatchObject({ status: 'intact', records: 100 });

    // The restored database is used as before, and keeps verifying.
    const again = openDatabase(live);
    const audit = new AuditLog(again, keys);
    audit.append(entry(200));
    expect(audit.checkpoint()).toMatchObject({ seq: 62 });
    again.close();
    expect(verify(live)).toMatchObject({ status: 'intact', records: 62 });
  });

  it('refuses a backup that fails verification, leaving the database as it was', async () => {
    const plain = new Database(backup);
    plain.exec(`DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone' WHERE seq = 7;`);
    plain.close();
    const run = await restore(['--db', live, '--from', backup]);
    expect(run.code).toBe(4);
    expect(run.err).toContain('cannot be restored');
    expect(verify(live)).toMatchObject({ status: 'intact', records: 100 });
    expect(readdirSync(dir).filter((f) => f.includes('.replaced-') || f.includes('.restoring-'))).toEqual([]);
  });

  it('refuses a backup that cannot be checked against this workstation’s key (exit 5)', async () => {
    process.env['PUMP_AUDIT_KEY_DIR'] = join(dir, 'elsewhere');
    const run = await restore(['--db', live, '--from', backup]);
    expect(run.code).toBe(5);
    expect(existsSync(live)).toBe(true);
    expect(verify(live)).toMatchObject({ status: 'intact', records: 100 });
  });
});

describe('restoring a backup older than the last programming', () => {
  /** A programming session as the write path records it: its intent record, then the session. */
  const program = (file: string, uuid: string, outcome: 'confirmed' | 'unconfirmed') => {
    const db = openDatabase(file);
    const audit = new AuditLog(db, keys);
    const at = new Date(Date.UTC(2026, 2, 2, 9, 0, 0)).toISOString();
    const intent = { sessionId: uuid, transactionId: `tx-${uuid}`, settings: { mode: 'continuous' } };
    const { seq } = audit.append({ ...entry(0), atUtc: at, action: 'pump.program', outcome: 'pending' });
    const id = insertSession(db, {
      sessionUuid: uuid,
      pumpSerial: 'SIM000123',
      startedAt: at,
      actor: 'dr.li',
      witness: null,
      intentJson: JSON.stringify(intent),
      intentAuditSeq: seq,
    });
    if (outcome === 'confirmed') {
      const done = audit.append({ ...entry(0), atUtc: at, action: 'pump.program.outcome', outcome });
      setSessionOutcome(db, id, outcome, at, done.seq);
    } else {
      db.prepare(`UPDATE programming_sessions SET outcome = 'unconfirmed' WHERE id = ?`).run(id);
    }
    audit.checkpoint();
    db.close();
  };

  it('carries the sessions made since the backup over: the dose history keeps them, an open one still blocks', async () => {
    program(live, 'after-confirmed', 'confirmed');
    program(live, 'after-open', 'unconfirmed');
    const run = await restore(['--db', live, '--from', backup]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('2 programming session(s) made since the backup were carried over');
    expect(run.out).toContain('1 of them still open');
    expect(verify(live)).toMatchObject({ status: 'intact' });
    const db = openDatabaseReadOnly(live);
    try {
      expect(confirmedPrograms(db, 'SIM000123', '2000-01-01')).toHaveLength(1);
      expect(openSessions(db, 'SIM000123').map((s) => s.sessionUuid)).toEqual(['after-open']);
      const record = JSON.parse(
        db.prepare(`SELECT new_json FROM audit_log WHERE action = 'audit.restore'`).pluck().get() as string,
      ) as { carriedSessions: Array<{ sessionId: string }> };
      expect(record.carriedSessions.map((s) => s.sessionId)).toEqual(['after-confirmed', 'after-open']);
    } finally {
      db.close();
    }
  });
});

describe('restoring a backup over a file whose sessions cannot be trusted', () => {
  const carried = () => {
    const db = openDatabaseReadOnly(live);
    try {
      return JSON.parse(
        db.prepare(`SELECT new_json FROM audit_log WHERE action = 'audit.restore'`).pluck().get() as string,
      ) as { carriedSessions: unknown[]; sessionsNotRead?: string };
    } finally {
      db.close();
    }
  };

  it('a replaced file whose trail was changed by hand: its sessions are not carried, and the output says why', async () => {
    const plain = new Database(live);
    plain.exec(
      `INSERT INTO programming_sessions (session_uuid, pump_serial, started_at, actor, intent_json, outcome, intent_audit_seq)
       VALUES ('forged', 'SIM000123', '2026-03-02T09:00:00Z', 'dr.li', '{}', 'confirmed', 70);
       DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone' WHERE seq = 70;`,
    );
    plain.close();
    const run = await restore(['--db', live, '--from', backup]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('audit trail does not verify');
    const record = carried();
    expect(record.carriedSessions).toEqual([]);
    expect(record.sessionsNotRead).toContain('does not verify');
    expect(verify(live)).toMatchObject({ status: 'intact' });
  });

  it('a replaced file that is another database: none of its sessions is carried', async () => {
    rmSync(live, { force: true });
    for (const side of ['-wal', '-shm']) rmSync(`${live}${side}`, { force: true });
    const other = openDatabase(live);
    const audit = new AuditLog(other, keys);
    audit.append(entry(1));
    audit.checkpoint();
    other
      .prepare(
        `INSERT INTO programming_sessions (session_uuid, pump_serial, started_at, actor, intent_json, outcome, intent_audit_seq)
         VALUES ('other-db', 'SIM000123', '2026-03-02T09:00:00Z', 'dr.li', '{}', 'pending', 1)`,
      )
      .run();
    other.close();
    const run = await restore(['--db', live, '--from', backup]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('another database');
    expect(carried().carriedSessions).toEqual([]);
  });
});

describe('a zero-byte database file', () => {
  it('is refused with a message, not taken as a new database', () => {
    const empty = join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    expect(() => openDatabase(empty)).toThrow(/empty \(0 bytes\)/);
    expect(() => openDatabaseReadOnly(empty)).toThrow(/empty \(0 bytes\)/);
    expect(readdirSync(dir).filter((f) => f.startsWith('empty.sqlite'))).toEqual(['empty.sqlite']);
  });
});
