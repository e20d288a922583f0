import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit/verify';
import { signInThrough } from './helpers';
import { runtimeFixture } from './runtime-fixture';

const t = runtimeFixture();

describe('signing out through the API', () => {
  it('signs the audit trail’s head at once, so the session’s records are not an unsigned tail', async () => {
    await signInThrough(t.runtime.dispatch, 'dr.li');
    await t.value('pump:interrogate');
    const { db } = t.runtime;
    const before = db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get() as number;
    await t.value('auth:signOut');
    const signOut = db.prepare(`SELECT max(seq) FROM audit_log WHERE action = 'user.signOut'`).pluck().get() as number;
    expect(db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get()).toBe(before + 1);
    expect(db.prepare('SELECT max(seq) FROM audit_checkpoints').pluck().get()).toBe(signOut);
    expect(verifyAudit(db, t.keys)).toMatchObject({ status: 'intact', lastCheckpointSeq: signOut, unprotectedTail: 0 });
  });
});
