import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appError } from '../../core/result';
import { backupDatabase } from '../../db/backup';
import type { Db } from '../../db/connection';
import { withDatabase } from '../database';
import { FileKeyStore } from '../../db/audit/keys';
import { auditKeyDir } from '../../services/paths';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';

export async function backupCommand(argv: string[], io: Io): Promise<ExitCode> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { db: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean', default: false } },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.db === undefined || values.out === undefined) throw new UsageError('backup needs --db FILE --out FILE');
  const { json, out } = values;
  return withDatabase(io, json, values.db, async (db) => {
    try {
      return await backup(io, json, db, out);
    } catch (e) {
      return fail(io, json, appError('STORAGE_FAILED', `The backup could not be written: ${(e as Error).message}`));
    }
  });
}

async function backup(io: Io, json: boolean, db: Db, out: string): Promise<ExitCode> {
  const report = await backupDatabase(db, resolve(out), new FileKeyStore(auditKeyDir()));
  if (json) io.out(`${JSON.stringify(report)}\n`);
  if (report.integrity !== 'ok' || !report.audit.ok) {
    io.err(
      `pumpctl: the backup at ${report.path} failed verification: ${report.integrity !== 'ok' ? report.integrity : (report.audit.firstFailure?.message ?? 'audit chain')}\n`,
    );
    return EXIT.integrity;
  }
  if (!json)
    io.out(`Backup written and verified: ${report.path} (${report.audit.records} audit records, integrity ok).\n`);
  return EXIT.ok;
}
