import type { Role } from '../../core/permissions';
import { err, ok, type Result } from '../../core/result';
import type { Db } from '../../db/connection';
import {
  clearAttempts,
  countEnabledAdmins,
  countUsers,
  findUser,
  insertUser,
  setPasswordHash,
  setUserDisabled,
  signInAttempts,
} from '../../db/queries/users';
import { UNSAFE_NAME } from '../../core/unsafe-text';
import { type AccountDeps, needsSetup, recordable, type SignedInUser, USERNAME } from './account-common';
import { authorize, checkCredentials } from './credentials';
import { hashPassword, passwordRefusal } from './password';
import { said } from '../../core/messages';

export { needsSetup, passwordChangeRequired, type AccountDeps, type SignedInUser } from './account-common';
export { authorize, signIn, witnessSignOff } from './credentials';

// Managing accounts: the first administrator, users, disabling, password resets and changes, unlocking.

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
