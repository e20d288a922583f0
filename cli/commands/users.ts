import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { recoverPassword, unlockUser } from '../../services/auth/accounts';
import { passwordProblem } from '../../services/auth/password';
import { auditKeyDir } from '../../services/paths';
import { withDatabase } from '../database';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';
import { cliActor } from './audit';

/** Letters and digits that cannot be mistaken for one another when read out or copied by hand. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A one-time password of 4 groups of 5 (about 99 bits), meeting the policy. */
export function oneTimePassword(username: string): string {
  for (;;) {
    const groups = Array.from({ length: 4 }, () =>
      Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
    );
    const password = groups.join('-');
    if (passwordProblem(password, username) === undefined) return password;
  }
}

/** The first line of standard input (a password typed or piped in, never on the command line). */
async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.includes('\n') || text.length > 1024) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * `pumpctl users unlock --db FILE --user NAME`: lifts a sign-in lock-out at the workstation (an
 * administrator locked out by repeated wrong passwords, possibly someone else's).
 * `pumpctl users reset-password --db FILE --user NAME [--password-stdin]`: sets a new password for
 * a user who forgot theirs (the only administrator): a one-time password is printed once (or the
 * first line of standard input is taken), the user must change it at the next sign-in, and the
 * lock-out is lifted. Whoever runs either has the database file and its key; each is recorded in
 * the audit trail with their system account, never the password.
 */
export async function usersCommand(
  argv: string[],
  io: Io,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  let values;
  try {
    values = parseArgs({
      args: rest,
      options: {
        db: { type: 'string' },
        user: { type: 'string' },
        json: { type: 'boolean', default: false },
        'password-stdin': { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (sub !== 'unlock' && sub !== 'reset-password') throw new UsageError('users needs unlock or reset-password');
  if (values.db === undefined || values.user === undefined)
    throw new UsageError(`users ${sub} needs --db FILE --user NAME`);
  const { json, user } = values;
  if (sub === 'unlock' && values['password-stdin'])
    throw new UsageError('--password-stdin is for users reset-password');
  const typed = sub === 'reset-password' && values['password-stdin'] ? await firstLine(stdin) : undefined;
  return withDatabase(io, json, values.db, async (db) => {
    const audit = new AuditLog(db, new FileKeyStore(auditKeyDir()));
    const deps = { db, audit, now: () => new Date() };
    if (sub === 'reset-password') {
      const password = typed ?? oneTimePassword(user);
      const result = await recoverPassword(deps, cliActor(), user, password);
      audit.checkpoint();
      if (!result.ok) return fail(io, json, result.error);
      const disabled = result.value.disabled
        ? ' The account is disabled: an administrator enables it under Users.'
        : '';
      if (json)
        io.out(
          `${JSON.stringify({ username: user, mustChange: true, disabled: result.value.disabled, ...(typed === undefined ? { oneTimePassword: password } : {}) })}\n`,
        );
      else if (typed === undefined)
        io.out(
          `One-time password for ${user}: ${password}\nGive it to them in person. They choose their own at the next sign-in; the lock-out is lifted (recorded in the audit trail).${disabled}\n`,
        );
      else
        io.out(
          `The password of ${user} was set; they choose their own at the next sign-in; the lock-out is lifted (recorded in the audit trail).${disabled}\n`,
        );
      return EXIT.ok;
    }
    const result = unlockUser(deps, cliActor(), user);
    audit.checkpoint();
    if (!result.ok) return fail(io, json, result.error);
    if (json) io.out(`${JSON.stringify({ username: user, wasLocked: result.value.wasLocked })}\n`);
    else
      io.out(
        result.value.wasLocked
          ? `The sign-in lock-out of ${user} was lifted (recorded in the audit trail).\n`
          : `${user} was not locked out; the failed-attempt count was reset (recorded in the audit trail).\n`,
      );
    return EXIT.ok;
  });
}
