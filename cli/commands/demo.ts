import { parseArgs } from 'node:util';
import { appError } from '../../core/result';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { runDemo } from '../../services/demo';
import { auditKeyDir } from '../../services/paths';
import { withDatabase } from '../database';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';

export async function demoCommand(argv: string[], io: Io): Promise<ExitCode> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        db: { type: 'string' },
        sessions: { type: 'string', default: '20' },
        seed: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.db === undefined) throw new UsageError('demo needs --db FILE');
  const sessions = Number(values.sessions);
  const seed = Number(values.seed);
  if (!Number.isInteger(sessions) || sessions < 1 || sessions > 1_000_000)
    throw new UsageError('--sessions is a whole number from 1 to 1000000');
  if (!Number.isInteger(seed)) throw new UsageError('--seed is a whole number');
  const json = values.json;
  return withDatabase(io, json, values.db, async (db, path) => {
    try {
      const result = await runDemo(
        { db, audit: new AuditLog(db, new FileKeyStore(auditKeyDir())) },
        { sessions, seed },
      );
      if (json) io.out(`${JSON.stringify(result)}\n`);
      else {
        io.out(
          `Demo database ${path}: ${result.sessions} session(s) — ${result.programming} programming, ${result.refills} refill(s) — for ${result.patients} patients.\n`,
        );
        for (const a of result.accounts) io.out(`  account ${a.username} (${a.role}) password ${a.password}\n`);
      }
      return EXIT.ok;
    } catch (e) {
      return fail(io, json, appError('INVALID_INPUT', (e as Error).message));
    }
  });
}
