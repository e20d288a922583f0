import type { Db } from '../connection';

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: 'physician' | 'nurse' | 'admin';
  passwordHash: string;
  failedAttempts: number;
  lockedUntil: string | null;
  disabled: number;
  /** 1 after an administrator set the password: the user chooses a new one at the next sign-in. */
  mustChangePassword: number;
}

const columns = `id, username, display_name AS displayName, role, password_hash AS passwordHash,
  failed_attempts AS failedAttempts, locked_until AS lockedUntil, disabled, must_change_password AS mustChangePassword`;

export const countUsers = (db: Db): number => db.prepare<[], number>('SELECT count(*) FROM users').pluck().get() ?? 0;

export const findUser = (db: Db, username: string): UserRow | undefined =>
  db.prepare<[string], UserRow>(`SELECT ${columns} FROM users WHERE username = ?`).get(username);

export function insertUser(
  db: Db,
  user: { username: string; displayName: string; role: string; passwordHash: string; createdAt: string },
): number {
  return Number(
    db
      .prepare('INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(user.username, user.displayName, user.role, user.passwordHash, user.createdAt).lastInsertRowid,
  );
}

export const getSetting = (db: Db, key: string): string | undefined =>
  db.prepare<[string], string>('SELECT value FROM site_settings WHERE key = ?').pluck().get(key);

export const setSetting = (db: Db, key: string, value: string): void => {
  db.prepare(
    'INSERT INTO site_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
};

export const listUsers = (db: Db): UserRow[] =>
  db.prepare<[], UserRow>(`SELECT ${columns} FROM users ORDER BY username`).all();

export const setUserDisabled = (db: Db, id: number, disabled: boolean): void => {
  db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id);
};

/**
 * A new password; the failed attempts and any lock-out of that user name go with the old one.
 * `mustChange`: set by an administrator, so the user chooses their own at the next sign-in.
 */
export const setPasswordHash = (db: Db, id: number, passwordHash: string, mustChange = false): void => {
  const row = db
    .prepare(
      'UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL, must_change_password = ? WHERE id = ? RETURNING username',
    )
    .get(passwordHash, mustChange ? 1 : 0, id) as { username: string } | undefined;
  if (row !== undefined) clearAttempts(db, row.username);
};

/** Replaces a password hash only if it is still `previous` (a re-hash at sign-in never overwrites a change made meanwhile). */
export const replacePasswordHash = (db: Db, id: number, previous: string, next: string): boolean =>
  db.prepare('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?').run(next, id, previous)
    .changes === 1;

/** Sign-in failures of one user name, known or not (so that a lock-out looks the same for every name). */
export interface SignInAttempts {
  failedAttempts: number;
  lockedUntil: string | null;
}

export const signInAttempts = (db: Db, username: string): SignInAttempts =>
  db
    .prepare<[string], SignInAttempts>(
      'SELECT failed_attempts AS failedAttempts, locked_until AS lockedUntil FROM sign_in_attempts WHERE username = ?',
    )
    .get(username) ?? { failedAttempts: 0, lockedUntil: null };

export const saveSignInAttempts = (db: Db, username: string, attempts: SignInAttempts, at: string): void => {
  db.prepare(
    `INSERT INTO sign_in_attempts (username, failed_attempts, locked_until, last_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (username) DO UPDATE SET failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until, last_at = excluded.last_at`,
  ).run(username, attempts.failedAttempts, attempts.lockedUntil, at);
};

export const clearAttempts = (db: Db, username: string): void => {
  db.prepare('DELETE FROM sign_in_attempts WHERE username = ?').run(username);
};

/** Forgets counters of names untouched since `before` whose lock-out (if any) is over: the table stays small. */
export const pruneAttempts = (db: Db, before: string, now: string): void => {
  db.prepare('DELETE FROM sign_in_attempts WHERE last_at < ? AND (locked_until IS NULL OR locked_until < ?)').run(
    before,
    now,
  );
};

export const countEnabledAdmins = (db: Db): number =>
  db.prepare<[], number>("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").pluck().get() ?? 0;
