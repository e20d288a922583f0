import { parseArgs } from 'node:util';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { unlockUser } from '../../services/auth/accounts';
import { auditKeyDir } from '../../services/paths';
import { withDatabase } from '../database';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';
import { cliActor } from './audit';

/**
 * `pumpctl users unlock --db FILE --user NAME`: lifts a sign-in lock-out at the workstation (an
 * administrator locked out by repeated wrong passwords, possibly someone else's). Whoever runs it
 * has the database file; the unlock is recorded in the audit trail with their system account.
 */
export async function usersCommand(argv: string[], io: Io): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  let values;
  try {
    values = parseArgs({ args: rest, options: { db: { type: 'string' }, user: { type: 'string' }, json: { type: 'boolean', default: false } } }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (sub !== 'unlock') throw new UsageError('users needs unlock');
  if (values.db === undefined || values.user === undefined) throw new UsageError('users unlock needs --db FILE --user NAME');
  const { json, user } = values;
  return withDatabase(io, json, values.db, (db) => {
    const audit = new AuditLog(db, new FileKeyStore(auditKeyDir()));
    const result = unlockUser({ db, audit, now: () => new Date() }, cliActor(), user);
    audit.checkpoint();
    if (!result.ok) return Promise.resolve(fail(io, json, result.error));
    if (json) io.out(`${JSON.stringify({ username: user, wasLocked: result.value.wasLocked })}\n`);
    else io.out(result.value.wasLocked ? `The sign-in lock-out of ${user} was lifted (recorded in the audit trail).\n` : `${user} was not locked out; the failed-attempt count was reset (recorded in the audit trail).\n`);
    return Promise.resolve(EXIT.ok);
  });
}
