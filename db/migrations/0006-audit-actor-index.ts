import type { Migration } from './types';

/**
 * Drops the index on the audit trail's actor: no query reads it. The viewer finds a person as the
 * actor *or* the witness, which SQLite cannot answer from an index on the actor alone, so it reads
 * the trail in order; meanwhile every append wrote one more page for it (encrypted and
 * authenticated since the store is encrypted).
 */
export const m0006AuditActorIndex: Migration = {
  version: 6,
  name: 'audit-actor-index',
  up(db) {
    db.exec('DROP INDEX IF EXISTS audit_log_actor');
  },
};
