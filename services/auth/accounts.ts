import { may, type Operation, type Role } from '../../core/permissions';
import { err, ok, type Result } from '../../core/result';
import type { Db } from '../../db/connection';
import type { AuditLog } from '../../db/audit/log';
import {
  clearAttempts,
  countEnabledAdmins,
  countUsers,
  findUser,
  insertUser,
  pruneAttempts,
  replacePasswordHash,
  saveSignInAttempts,
  setPasswordHash,
  setUserDisabled,
  signInAttempts,
  type UserRow,
} from '../../db/queries/users';
import { dummyHash, hashPassword, needsRehash, passwordRefusal, verifyPassword } from './password';
import { siteSettings } from './settings';
import { said } from '../../core/messages';

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

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/i;
/** C0 controls, DEL, and the Unicode bidirectional overrides and isolates: never in a name shown to others. */
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME = /[\u0000-\u001f\u007f\u202A-\u202E\u2066-\u2069]/;
const toUser = (row: UserRow): SignedInUser => ({
  id: row.id,
  username: row.username,
  displayName: row.displayName,
  role: row.role,
});

export const needsSetup = (db: Db): boolean => countUsers(db) === 0;

/** A name as it may be recorded: unsafe characters written out as \u{…}, at most 40 characters. */
const recordable = (name: string): string =>
  [...name.slice(0, 40)]
    .map((c) => (UNSAFE_NAME.test(c) ? `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}` : c))
    .join('');

async function validateNewUser(
  db: Db,
  input: { username: string; password: string; displayName: string },
): Promise<Result<string>> {
  if (!USERNAME.test(input.username)) return err(said('INVALID_INPUT', 'userNameFormat', {}, 'username'));
  if (input.displayName.trim() === '' || input.displayName.length > 100)
    return err(said('INVALID_INPUT', 'displayNameLength', {}, 'displayName'));
  if (UNSAFE_NAME.test(input.displayName)) return err(said('INVALID_INPUT', 'displayNameUnsafe', {}, 'displayName'));
  const problem = passwordRefusal(input.password, input.username, 'password');
  if (problem !== undefined) return err(problem);
  if (findUser(db, input.username) !== undefined)
    return err(said('CONFLICT', 'userNameTaken', { username: input.username }, 'username'));
  return ok(await hashPassword(input.password));
}

/**
 * First run: creates the administrator. There is no built-in account and no default password.
 * Exactly once: the check that no account exists and the insert are one write transaction, so
 * setups sent together (several tabs, several processes) make one administrator.
 */
export async function createFirstAdmin(
  deps: AccountDeps,
  input: { username: string; displayName: string; password: string },
): Promise<Result<SignedInUser>> {
  if (!needsSetup(deps.db)) return err(said('CONFLICT', 'firstAdminExists', {}));
  const hash = await validateNewUser(deps.db, input);
  if (!hash.ok) return hash;
  const id = deps.audit.commit(() => {
    if (countUsers(deps.db) !== 0) return undefined;
    const userId = insertUser(deps.db, {
      username: input.username,
      displayName: input.displayName,
      role: 'admin',
      passwordHash: hash.value,
      createdAt: deps.now().toISOString(),
    });
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: input.username,
      role: 'admin',
      action: 'user.create',
      new: { username: input.username, role: 'admin', firstRun: true },
      outcome: 'confirmed',
    });
    return userId;
  });
  if (id === undefined) return err(said('CONFLICT', 'firstAdminExists', {}));
  return ok({ id, username: input.username, displayName: input.displayName, role: 'admin' });
}

/** An administrator creates an account; the new user's role is recorded in the audit trail. */
export async function createUser(
  deps: AccountDeps,
  actor: SignedInUser,
  input: { username: string; displayName: string; password: string; role: Role },
): Promise<Result<SignedInUser>> {
  const allowed = authorize(actor, 'users.manage');
  if (!allowed.ok) return allowed;
  const hash = await validateNewUser(deps.db, input);
  if (!hash.ok) return hash;
  const id = deps.audit.commit(() => {
    if (findUser(deps.db, input.username) !== undefined) return undefined;
    const userId = insertUser(deps.db, {
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      passwordHash: hash.value,
      createdAt: deps.now().toISOString(),
    });
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: actor.username,
      role: actor.role,
      action: 'user.create',
      new: { username: input.username, role: input.role },
      outcome: 'confirmed',
    });
    return userId;
  });
  if (id === undefined) return err(said('CONFLICT', 'userNameTaken', { username: input.username }, 'username'));
  return ok({ id, username: input.username, displayName: input.displayName, role: input.role });
}

/**
 * Disables or re-enables an account (administrator). A disabled user cannot sign in or witness;
 * their records stay. Nobody disables themselves, and the last active administrator stays.
 */
export function setAccountDisabled(
  deps: AccountDeps,
  actor: SignedInUser,
  username: string,
  disabled: boolean,
): Result<null> {
  const allowed = authorize(actor, 'users.manage');
  if (!allowed.ok) return allowed;
  const row = findUser(deps.db, username);
  if (row === undefined) return err(said('INVALID_INPUT', 'noSuchUser', { username }, 'username'));
  if (disabled && row.id === actor.id) return err(said('CONFLICT', 'cannotDisableSelf', {}, 'username'));
  if (disabled && row.role === 'admin' && row.disabled === 0 && countEnabledAdmins(deps.db) <= 1) {
    return err(said('CONFLICT', 'lastAdministrator', {}, 'username'));
  }
  if ((row.disabled === 1) === disabled) return ok(null);
  deps.audit.commit(() => {
    setUserDisabled(deps.db, row.id, disabled);
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: actor.username,
      role: actor.role,
      action: disabled ? 'user.disable' : 'user.enable',
      old: { username, disabled: row.disabled === 1 },
      new: { username, disabled },
      outcome: 'confirmed',
    });
  });
  return ok(null);
}

/**
 * Sets a new password for a user who forgot theirs (administrator); also lifts a lock-out. The
 * user must choose their own password at the next sign-in (`passwordChangeRequired`). The
 * password is never recorded.
 */
export async function resetPassword(
  deps: AccountDeps,
  actor: SignedInUser,
  username: string,
  password: string,
): Promise<Result<null>> {
  const allowed = authorize(actor, 'users.manage');
  if (!allowed.ok) return allowed;
  const row = findUser(deps.db, username);
  if (row === undefined) return err(said('INVALID_INPUT', 'noSuchUser', { username }, 'username'));
  const problem = passwordRefusal(password, row.username, 'password');
  if (problem !== undefined) return err(problem);
  const hash = await hashPassword(password);
  deps.audit.commit(() => {
    setPasswordHash(deps.db, row.id, hash, true);
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: actor.username,
      role: actor.role,
      action: 'user.resetPassword',
      new: { username, mustChange: true },
      outcome: 'confirmed',
    });
  });
  return ok(null);
}

/** True after an administrator set the user's password, until the user has chosen their own. */
export const passwordChangeRequired = (db: Db, username: string): boolean =>
  findUser(db, username)?.mustChangePassword === 1;

/**
 * Self-service password change: the current password is checked as a sign-in is (failures count
 * towards the lock-out), the new one must meet the policy and differ from it. Recorded in the
 * audit trail (never either password); clears a pending forced change.
 */
export async function changePassword(
  deps: AccountDeps,
  input: { username: string; password: string; newPassword: string },
): Promise<Result<null>> {
  const problem = passwordRefusal(input.newPassword, input.username, 'newPassword');
  if (problem !== undefined) return err(problem);
  if (input.newPassword.normalize('NFC') === input.password.normalize('NFC'))
    return err(said('INVALID_INPUT', 'newPasswordSame', {}, 'newPassword'));
  const checked = await checkCredentials(deps, input, 'user.changePassword');
  if (!checked.ok) return checked;
  const row = checked.value;
  const hash = await hashPassword(input.newPassword);
  deps.audit.commit(() => {
    setPasswordHash(deps.db, row.id, hash, false);
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: row.username,
      role: row.role,
      action: 'user.changePassword',
      new: { username: row.username, wasRequired: row.mustChangePassword === 1 },
      outcome: 'confirmed',
    });
  });
  return ok(null);
}

/**
 * Lifts the lock-out of a user name (recovery at the workstation, e.g. `pumpctl users unlock`):
 * whoever runs it has the database file itself, and is recorded as the actor.
 */
export function unlockUser(deps: AccountDeps, actor: string, username: string): Result<{ wasLocked: boolean }> {
  const row = findUser(deps.db, username);
  if (row === undefined)
    return err(said('INVALID_INPUT', 'noSuchUser', { username: recordable(username) }, 'username'));
  const wasLocked = deps.audit.commit(() => {
    const before = signInAttempts(deps.db, row.username);
    clearAttempts(deps.db, row.username);
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor,
      action: 'user.unlock',
      old: { username: row.username, failedAttempts: before.failedAttempts, lockedUntil: before.lockedUntil },
      new: { username: row.username },
      outcome: 'confirmed',
    });
    return before.lockedUntil !== null;
  });
  return ok({ wasLocked });
}

/**
 * Sets a new password at the workstation, for a user (typically the only administrator) who
 * forgot theirs, e.g. `pumpctl users reset-password`: whoever runs it has the database file and
 * its key, and is recorded as the actor. The password meets the policy, is never recorded, and
 * must be changed at the next sign-in; the lock-out of the name is lifted. A disabled account
 * stays disabled.
 */
export async function recoverPassword(
  deps: AccountDeps,
  actor: string,
  username: string,
  password: string,
): Promise<Result<{ disabled: boolean }>> {
  const row = findUser(deps.db, username);
  if (row === undefined)
    return err(said('INVALID_INPUT', 'noSuchUser', { username: recordable(username) }, 'username'));
  const problem = passwordRefusal(password, row.username, 'password');
  if (problem !== undefined) return err(problem);
  const hash = await hashPassword(password);
  deps.audit.commit(() => {
    const before = signInAttempts(deps.db, row.username);
    setPasswordHash(deps.db, row.id, hash, true);
    clearAttempts(deps.db, row.username);
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor,
      action: 'user.recoverPassword',
      old: { username: row.username, failedAttempts: before.failedAttempts, lockedUntil: before.lockedUntil },
      new: { username: row.username, role: row.role, mustChange: true },
      outcome: 'confirmed',
    });
  });
  return ok({ disabled: row.disabled === 1 });
}

const lockedError = (until: string) => said('ACCOUNT_LOCKED', 'accountLocked', { until });
const wrongCredentials = () => said('WRONG_CREDENTIALS', 'wrongCredentials', {});

/**
 * Checks a user name and password with the lock-out rule, recording every failure (never the
 * password). The lock-out is decided atomically: in one write transaction, before the slow
 * password check, the attempt is counted against the user name; an attempt beyond the allowed
 * number locks the name without being checked at all. Concurrent wrong passwords therefore
 * cannot all be checked, whatever their number. Unknown and disabled names are counted and
 * locked the same way, so neither the reply nor its timing tells which names exist.
 */
async function checkCredentials(
  deps: AccountDeps,
  input: { username: string; password: string },
  action: string,
): Promise<Result<UserRow>> {
  const { db } = deps;
  const now = deps.now();
  const at = now.toISOString();
  const name = input.username;
  const settings = siteSettings(db);
  const record = (row: UserRow | undefined, reason: string) =>
    deps.audit.append({
      atUtc: at,
      actor: row?.username ?? recordable(name),
      role: row?.role ?? null,
      action,
      reason,
      outcome: 'rejected',
    });

  const gate = deps.audit.commit((): { locked: string } | { row: UserRow | undefined } => {
    pruneAttempts(db, new Date(now.getTime() - 86_400_000).toISOString(), at);
    const row = UNSAFE_NAME.test(name) ? undefined : findUser(db, name);
    let attempts = signInAttempts(db, name);
    if (attempts.lockedUntil !== null && Date.parse(attempts.lockedUntil) <= now.getTime())
      attempts = { failedAttempts: 0, lockedUntil: null };
    if (attempts.lockedUntil === null && attempts.failedAttempts >= settings.maxFailedSignIns) {
      // The allowed attempts are used up (some may still be being checked): lock now.
      attempts = {
        failedAttempts: attempts.failedAttempts + 1,
        lockedUntil: new Date(now.getTime() + settings.lockoutMinutes * 60_000).toISOString(),
      };
      saveSignInAttempts(db, name, attempts, at);
    }
    if (attempts.lockedUntil !== null) {
      record(row, 'account locked');
      return { locked: attempts.lockedUntil };
    }
    saveSignInAttempts(db, name, { failedAttempts: attempts.failedAttempts + 1, lockedUntil: null }, at);
    return { row };
  });
  if ('locked' in gate) return err(lockedError(gate.locked));

  const row = gate.row;
  const usable = row !== undefined && row.disabled === 0;
  // Unknown and disabled names spend the same time as a real check.
  const good = usable
    ? await verifyPassword(input.password, row.passwordHash)
    : (await verifyPassword(input.password, dummyHash())) && false;
  if (good && row !== undefined) return ok(row);

  const lock = deps.audit.commit(() => {
    const attempts = signInAttempts(db, name);
    const lockedUntil =
      attempts.lockedUntil ??
      (attempts.failedAttempts >= settings.maxFailedSignIns
        ? new Date(now.getTime() + settings.lockoutMinutes * 60_000).toISOString()
        : null);
    if (lockedUntil !== attempts.lockedUntil)
      saveSignInAttempts(db, name, { failedAttempts: attempts.failedAttempts, lockedUntil }, at);
    const why = usable ? 'wrong password' : 'unknown or disabled user';
    record(row, lockedUntil === null ? why : `${why}; locked until ${lockedUntil}`);
    return lockedUntil;
  });
  return err(lock === null ? wrongCredentials() : lockedError(lock));
}

/**
 * Checks a user name and password. Repeated failures lock the user name for a while (see
 * `checkCredentials`); every attempt, failed or not, is in the audit trail (never the password).
 * A hash made with older, weaker parameters is replaced by one made with today's.
 */
export async function signIn(
  deps: AccountDeps,
  input: { username: string; password: string },
  purpose: 'sign-in' | 'witness' = 'sign-in',
): Promise<Result<SignedInUser>> {
  if (needsSetup(deps.db)) return err(said('SETUP_REQUIRED', 'noAccountYet', {}));
  const action = purpose === 'witness' ? 'user.witness' : 'user.signIn';
  const checked = await checkCredentials(deps, input, action);
  if (!checked.ok) return checked;
  const row = checked.value;
  const rehash = needsRehash(row.passwordHash) ? await hashPassword(input.password) : undefined;
  deps.audit.commit(() => {
    clearAttempts(deps.db, row.username);
    const upgraded = rehash !== undefined && replacePasswordHash(deps.db, row.id, row.passwordHash, rehash);
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: row.username,
      role: row.role,
      action,
      ...(upgraded ? { new: { passwordHash: 'upgraded' } } : {}),
      outcome: 'confirmed',
    });
  });
  return ok(toUser(row));
}

/**
 * The independent double check: a second clinician signs with their own credentials. They must
 * be someone other than the person making the change and allowed to witness.
 */
export async function witnessSignOff(
  deps: AccountDeps,
  actor: SignedInUser,
  input: { username: string; password: string },
): Promise<Result<SignedInUser>> {
  if (input.username.toLowerCase() === actor.username.toLowerCase()) {
    return err(said('FORBIDDEN', 'witnessSamePerson', {}, 'username'));
  }
  const witness = await signIn(deps, input, 'witness');
  if (!witness.ok) return witness;
  // A password an administrator set is known to the administrator: it signs nothing until changed.
  if (passwordChangeRequired(deps.db, witness.value.username)) {
    return err(said('PASSWORD_CHANGE_REQUIRED', 'witnessMustChangePassword', {}, 'username'));
  }
  // The witness is refused for their role, not the person making the change: the message names them.
  return may(witness.value.role, 'witness.sign')
    ? ok(witness.value)
    : err(
        said(
          'FORBIDDEN',
          'witnessRoleMayNot',
          { witness: witness.value.username, role: witness.value.role },
          'username',
        ),
      );
}

export function authorize(user: SignedInUser, operation: Operation): Result<SignedInUser> {
  return may(user.role, operation) ? ok(user) : err(said('FORBIDDEN', 'roleMayNot', { role: user.role, operation }));
}
