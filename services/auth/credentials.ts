import { UNSAFE_NAME } from '../../core/unsafe-text';
import { may, type Operation } from '../../core/permissions';
import { err, ok, type Result } from '../../core/result';
import { said } from '../../core/messages';
import {
  clearAttempts,
  findUser,
  pruneAttempts,
  replacePasswordHash,
  saveSignInAttempts,
  signInAttempts,
  type UserRow,
} from '../../db/queries/users';
import {
  type AccountDeps,
  needsSetup,
  passwordChangeRequired,
  recordable,
  type SignedInUser,
  toUser,
} from './account-common';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password';
import { siteSettings } from './settings';

// Checking credentials: sign-in, the witness's sign-off and the lock-out; what a role may do.

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
export async function checkCredentials(
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
