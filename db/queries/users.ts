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
}

const columns = `id, username, display_name AS displayName, role, password_hash AS passwordHash,
  failed_attempts AS failedAttempts, locked_until AS lockedUntil, disabled`;

export const countUsers = (db: Db): number => db.prepare<[], number>('SELECT count(*) FROM users').pluck().get() ?? 0;

export const findUser = (db: Db, username: string): UserRow | undefined =>
  db.prepare<[string], UserRow>(`SELECT ${columns} FROM users WHERE username = ?`).get(username);

export const findUserById = (db: Db, id: number): UserRow | undefined =>
  db.prepare<[number], UserRow>(`SELECT ${columns} FROM users WHERE id = ?`).get(id);

export function insertUser(db: Db, user: { username: string; displayName: string; role: string; passwordHash: string; createdAt: string }): number {
  return Number(
    db
      .prepare('INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(user.username, user.displayName, user.role, user.passwordHash, user.createdAt).lastInsertRowid,
  );
}

export const recordFailure = (db: Db, id: number, lockedUntil: string | null): void => {
  db.prepare('UPDATE users SET failed_attempts = failed_attempts + 1, locked_until = ? WHERE id = ?').run(lockedUntil, id);
};

export const clearFailures = (db: Db, id: number): void => {
  db.prepare('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(id);
};

export const getSetting = (db: Db, key: string): string | undefined =>
  db.prepare<[string], string>('SELECT value FROM site_settings WHERE key = ?').pluck().get(key);

export const setSetting = (db: Db, key: string, value: string): void => {
  db.prepare('INSERT INTO site_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
};

export const listUsers = (db: Db): UserRow[] => db.prepare<[], UserRow>(`SELECT ${columns} FROM users ORDER BY username`).all();

export const setUserDisabled = (db: Db, id: number, disabled: boolean): void => {
  db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id);
};

/** A new password; the failed attempts and any lock-out go with the old one. */
export const setPasswordHash = (db: Db, id: number, passwordHash: string): void => {
  db.prepare('UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?').run(passwordHash, id);
};

export const countEnabledAdmins = (db: Db): number => db.prepare<[], number>("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").pluck().get() ?? 0;
