import { may, type Operation, type Role } from '../../core/permissions';
import { appError, err, ok, type Result } from '../../core/result';
import type { Db } from '../../db/connection';
import type { AuditLog } from '../../db/audit/log';
import { clearFailures, countEnabledAdmins, countUsers, findUser, insertUser, recordFailure, setPasswordHash, setUserDisabled, type UserRow } from '../../db/queries/users';
import { hashPassword, passwordProblem, verifyPassword } from './password';
import { siteSettings } from './settings';

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
const toUser = (row: UserRow): SignedInUser => ({ id: row.id, username: row.username, displayName: row.displayName, role: row.role });

export const needsSetup = (db: Db): boolean => countUsers(db) === 0;

async function validateNewUser(db: Db, input: { username: string; password: string; displayName: string }): Promise<Result<string>> {
  if (!USERNAME.test(input.username)) return err(appError('INVALID_INPUT', 'a user name is 2–40 letters, digits, dots, dashes or underscores', 'username'));
  if (input.displayName.trim() === '' || input.displayName.length > 100) return err(appError('INVALID_INPUT', 'a display name is 1–100 characters', 'displayName'));
  const problem = passwordProblem(input.password);
  if (problem !== undefined) return err(appError('INVALID_INPUT', problem, 'password'));
  if (findUser(db, input.username) !== undefined) return err(appError('CONFLICT', `the user name ${input.username} is taken`, 'username'));
  return ok(await hashPassword(input.password));
}

/** First run: creates the administrator. There is no built-in account and no default password. */
export async function createFirstAdmin(deps: AccountDeps, input: { username: string; displayName: string; password: string }): Promise<Result<SignedInUser>> {
  if (!needsSetup(deps.db)) return err(appError('CONFLICT', 'the first administrator already exists'));
  const hash = await validateNewUser(deps.db, input);
  if (!hash.ok) return hash;
  const id = deps.audit.commit(() => {
    const userId = insertUser(deps.db, { username: input.username, displayName: input.displayName, role: 'admin', passwordHash: hash.value, createdAt: deps.now().toISOString() });
    deps.audit.append({ atUtc: deps.now().toISOString(), actor: input.username, role: 'admin', action: 'user.create', new: { username: input.username, role: 'admin', firstRun: true }, outcome: 'confirmed' });
    return userId;
  });
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
    const userId = insertUser(deps.db, { username: input.username, displayName: input.displayName, role: input.role, passwordHash: hash.value, createdAt: deps.now().toISOString() });
    deps.audit.append({ atUtc: deps.now().toISOString(), actor: actor.username, role: actor.role, action: 'user.create', new: { username: input.username, role: input.role }, outcome: 'confirmed' });
    return userId;
  });
  return ok({ id, username: input.username, displayName: input.displayName, role: input.role });
}

/**
 * Disables or re-enables an account (administrator). A disabled user cannot sign in or witness;
 * their records stay. Nobody disables themselves, and the last active administrator stays.
 */
export function setAccountDisabled(deps: AccountDeps, actor: SignedInUser, username: string, disabled: boolean): Result<null> {
  const allowed = authorize(actor, 'users.manage');
  if (!allowed.ok) return allowed;
  const row = findUser(deps.db, username);
  if (row === undefined) return err(appError('INVALID_INPUT', `there is no user ${username}`, 'username'));
  if (disabled && row.id === actor.id) return err(appError('CONFLICT', 'you cannot disable your own account while signed in with it', 'username'));
  if (disabled && row.role === 'admin' && row.disabled === 0 && countEnabledAdmins(deps.db) <= 1) {
    return err(appError('CONFLICT', 'this is the last active administrator: create or enable another administrator first', 'username'));
  }
  if ((row.disabled === 1) === disabled) return ok(null);
  deps.audit.commit(() => {
    setUserDisabled(deps.db, row.id, disabled);
    deps.audit.append({ atUtc: deps.now().toISOString(), actor: actor.username, role: actor.role, action: disabled ? 'user.disable' : 'user.enable', old: { username, disabled: row.disabled === 1 }, new: { username, disabled }, outcome: 'confirmed' });
  });
  return ok(null);
}

/** Sets a new password for a user who forgot theirs (administrator); also lifts a lock-out. The password is never recorded. */
export async function resetPassword(deps: AccountDeps, actor: SignedInUser, username: string, password: string): Promise<Result<null>> {
  const allowed = authorize(actor, 'users.manage');
  if (!allowed.ok) return allowed;
  const row = findUser(deps.db, username);
  if (row === undefined) return err(appError('INVALID_INPUT', `there is no user ${username}`, 'username'));
  const problem = passwordProblem(password);
  if (problem !== undefined) return err(appError('INVALID_INPUT', problem, 'password'));
  const hash = await hashPassword(password);
  deps.audit.commit(() => {
    setPasswordHash(deps.db, row.id, hash);
    deps.audit.append({ atUtc: deps.now().toISOString(), actor: actor.username, role: actor.role, action: 'user.resetPassword', new: { username }, outcome: 'confirmed' });
  });
  return ok(null);
}

/**
 * Checks a user name and password. Repeated failures lock the account for a while; every
 * attempt, failed or not, is in the audit trail (never the password).
 */
export async function signIn(deps: AccountDeps, input: { username: string; password: string }, purpose: 'sign-in' | 'witness' = 'sign-in'): Promise<Result<SignedInUser>> {
  if (needsSetup(deps.db)) return err(appError('SETUP_REQUIRED', 'no account exists yet: create the first administrator'));
  const now = deps.now();
  const row = findUser(deps.db, input.username);
  const action = purpose === 'witness' ? 'user.witness' : 'user.signIn';
  const record = (outcome: 'confirmed' | 'rejected', reason?: string) =>
    deps.audit.append({ atUtc: now.toISOString(), actor: row?.username ?? input.username.slice(0, 40), role: row?.role ?? null, action, reason: reason ?? null, outcome });
  if (row === undefined || row.disabled === 1) {
    // Spend the same time as a real check, so timing does not reveal which user names exist.
    await verifyPassword(input.password, DUMMY_HASH);
    record('rejected', 'unknown or disabled user');
    return err(appError('WRONG_CREDENTIALS', 'wrong user name or password'));
  }
  if (row.lockedUntil !== null && Date.parse(row.lockedUntil) > now.getTime()) {
    record('rejected', 'account locked');
    return err(appError('ACCOUNT_LOCKED', `the account is locked until ${row.lockedUntil}`));
  }
  if (!(await verifyPassword(input.password, row.passwordHash))) {
    const settings = siteSettings(deps.db);
    const failures = row.failedAttempts + 1;
    const lock = failures >= settings.maxFailedSignIns ? new Date(now.getTime() + settings.lockoutMinutes * 60_000).toISOString() : null;
    deps.audit.commit(() => {
      recordFailure(deps.db, row.id, lock);
      record('rejected', lock === null ? 'wrong password' : `wrong password; locked until ${lock}`);
    });
    return err(lock === null ? appError('WRONG_CREDENTIALS', 'wrong user name or password') : appError('ACCOUNT_LOCKED', `too many failed attempts: locked until ${lock}`));
  }
  deps.audit.commit(() => {
    clearFailures(deps.db, row.id);
    record('confirmed');
  });
  return ok(toUser(row));
}

/**
 * The independent double check: a second clinician signs with their own credentials. They must
 * be someone other than the person making the change and allowed to witness.
 */
export async function witnessSignOff(deps: AccountDeps, actor: SignedInUser, input: { username: string; password: string }): Promise<Result<SignedInUser>> {
  if (input.username.toLowerCase() === actor.username.toLowerCase()) {
    return err(appError('FORBIDDEN', 'the witness must be a second person, not the user making the change', 'username'));
  }
  const witness = await signIn(deps, input, 'witness');
  if (!witness.ok) return witness;
  return authorize(witness.value, 'witness.sign');
}

export function authorize(user: SignedInUser, operation: Operation): Result<SignedInUser> {
  return may(user.role, operation) ? ok(user) : err(appError('FORBIDDEN', `a ${user.role} may not ${operation}`));
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + Buffer.alloc(64).toString('base64');
