import type { Migration } from './types';

/**
 * Security hardening: checkpoints also sign the `meta` table (its digest is kept with each
 * checkpoint), sign-in failures are counted per user name (known or not) so that a lock-out
 * looks the same for every name, and an administrator's reset can require a new password.
 */
export const m0003Security: Migration = {
  version: 3,
  name: 'security',
  up(db) {
    db.exec(`
      ALTER TABLE audit_checkpoints ADD COLUMN meta_hash TEXT;

      CREATE TABLE sign_in_attempts (
        username TEXT PRIMARY KEY COLLATE NOCASE,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        last_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sign_in_attempts_last ON sign_in_attempts (last_at);

      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
    `);
  },
};
