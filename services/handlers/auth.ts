import { said } from '../../core/messages';
import { err, ok } from '../../core/result';
import { listUsers } from '../../db/queries/users';
import {
  changePassword,
  createFirstAdmin,
  createUser,
  needsSetup,
  passwordChangeRequired,
  resetPassword,
  setAccountDisabled,
  signIn,
} from '../auth/accounts';
import { siteSettings } from '../auth/settings';
import type { AreaContext } from './context';
import type { GatedHandlers } from './gates';

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Signing in and out, the workstation's lock, passwords and the user accounts. */
export const authHandlers = ({ db, audit, now, session, deps }: AreaContext) =>
  ({
    'auth:status': () => {
      const current = session.peek();
      const locked = session.lockedUser() ?? null;
      return ok({
        setupRequired: needsSetup(db),
        user: current ?? null,
        locked: locked !== null,
        lockedUser: locked,
        passwordChangeRequired: current !== undefined && passwordChangeRequired(db, current.username),
        idleLockMinutes: siteSettings(db).idleLockMinutes,
        language: siteSettings(db).language,
      });
    },
    'auth:setup': async (input) => {
      const created = await createFirstAdmin(deps, input);
      if (created.ok) session.start(created.value);
      return created;
    },
    'auth:signIn': async (input) => {
      const signed = await signIn(deps, input);
      if (!signed.ok) return signed;
      // Whoever signs in takes the workstation; a locked session of someone else ends here.
      const previous = session.lockedUser() ?? session.peek();
      if (previous !== undefined && previous.username !== signed.value.username) {
        audit.append({
          atUtc: now().toISOString(),
          actor: previous.username,
          role: previous.role,
          action: 'user.signOut',
          reason: `replaced by ${signed.value.username}`,
          outcome: 'confirmed',
        });
      }
      session.start(signed.value);
      return ok(signed.value);
    },
    // The session ends (or locks) whatever happens to its record; a record that cannot be written
    // (the database's disk full or read-only) is said in the answer, never a reason to stay signed in.
    'auth:signOut': () => {
      const current = session.peek() ?? session.lockedUser();
      session.end();
      if (current === undefined) return ok(null);
      try {
        audit.append({
          atUtc: now().toISOString(),
          actor: current.username,
          role: current.role,
          action: 'user.signOut',
          outcome: 'confirmed',
        });
      } catch (e) {
        return err(said('STORAGE_FAILED', 'signOutNotRecorded', { error: errorText(e) }));
      }
      return ok(null);
    },
    'auth:lock': () => {
      const current = session.peek();
      if (current === undefined) return ok(null);
      session.lock();
      try {
        audit.append({
          atUtc: now().toISOString(),
          actor: current.username,
          role: current.role,
          action: 'user.lock',
          outcome: 'confirmed',
        });
      } catch (e) {
        return err(said('STORAGE_FAILED', 'lockNotRecorded', { error: errorText(e) }));
      }
      return ok(null);
    },
    'auth:changePassword': async (input, actor) => {
      const changed = await changePassword(deps, {
        username: actor.username,
        password: input.password,
        newPassword: input.newPassword,
      });
      if (!changed.ok && changed.error.code === 'ACCOUNT_LOCKED') {
        // Wrong current passwords locked the account: whoever is at this workstation is signed out too.
        audit.append({
          atUtc: now().toISOString(),
          actor: actor.username,
          role: actor.role,
          action: 'user.signOut',
          reason: 'account locked after wrong current passwords',
          outcome: 'confirmed',
        });
        session.end();
      }
      return changed;
    },

    'users:list': () =>
      ok(
        listUsers(db).map((r) => ({
          id: r.id,
          username: r.username,
          displayName: r.displayName,
          role: r.role,
          disabled: r.disabled === 1,
        })),
      ),
    'users:create': (input, actor) => createUser(deps, actor, input),
    'users:setDisabled': (input, actor) => setAccountDisabled(deps, actor, input.username, input.disabled),
    'users:resetPassword': (input, actor) => resetPassword(deps, actor, input.username, input.password),
  }) satisfies Partial<GatedHandlers>;
