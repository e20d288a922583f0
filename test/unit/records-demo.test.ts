import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit/verify';
import { runDemo } from '../../services/demo';
import { createFirstAdmin } from '../../services/auth/accounts';
import { recordsFixture } from './records-support';

const f = recordsFixture();
const { deps } = f;

describe('the demo', () => {
  it('builds a verified trail of programming and refill sessions through the services', async () => {
    const result = await runDemo({ db: f.db, audit: f.audit }, { sessions: 30, seed: 7 });
    expect(result.sessions).toBe(30);
    expect(result.programming + result.refills).toBe(30);
    expect(result.refills).toBeGreaterThan(0);
    expect(result.accounts.map((a) => a.role).sort()).toEqual(['admin', 'nurse', 'nurse', 'physician']);
    expect(verifyAudit(f.db, f.keys)).toMatchObject({ ok: true, unprotectedTail: 0 });
    expect(f.db.prepare(`SELECT count(*) FROM programming_sessions WHERE outcome = 'confirmed'`).pluck().get()).toBe(
      result.programming + result.refills,
    );
    // Every session went through the wand protocol and kept its frames.
    expect(f.db.prepare('SELECT count(DISTINCT session_id) FROM session_frames').pluck().get()).toBe(
      result.programming + result.refills,
    );
  });

  it('refuses a database that has accounts of its own', async () => {
    await createFirstAdmin(deps(), {
      username: 'site.admin',
      displayName: 'Site admin',
      password: 'site admin password',
    });
    await expect(runDemo({ db: f.db, audit: f.audit }, { sessions: 2 })).rejects.toThrow(/accounts of its own/);
  });
});
