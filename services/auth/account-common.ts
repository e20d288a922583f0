import { UNSAFE_NAME } from '../../core/unsafe-text';
import type { Role } from '../../core/permissions';
import type { Db } from '../../db/connection';
import type { AuditLog } from '../../db/audit/log';
import { countUsers, findUser, type UserRow } from '../../db/queries/users';

// What the account services share: the signed-in user, their dependencies, the name rules.

export interface SignedInUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

export interface AccountDeps {
  db: Db;
  audit: AuditLog;
  now: () => Date;
}

export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/i;
export const toUser = (row: UserRow): SignedInUser => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  role: row.role,
});

export const needsSetup = (db: Db): boolean => countUsers(db) === 0;

/** A name as it may be recorded: unsafe characters written out as \u{…}, at most 40 characters. */
export const recordable = (name: string): string =>
  [...name.slice(0, 40)]
    .map((c) => (UNSAFE_NAME.test(c) ? `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}` : c))
    .join('');

/** True after an administrator set the user's password, until the user has chosen their own. */
export const passwordChangeRequired = (db: Db, username: string): boolean =>
  findUser(db, username)?.mustChangePassword === 1;
