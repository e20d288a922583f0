import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appError } from '../../core/result';
import { backupDatabase } from '../../db/backup';
import { openDatabase } from '../../db/connection';
import { FileKeyStore } from '../../db/audit/keys';
import { auditKeyDir } from '../../services/paths';
import { describeStartupError } from '../../services/startup-errors';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';

export async function backupCommand(argv: string[], io: Io): Promise<ExitCode> {
  let values;
  try {
    values = parseArgs({ args: argv, options: { db: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean', default: false } } }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.db === undefined || values.out === undefined) throw new UsageError('backup needs --db FILE --out FILE');
  const path = resolve(values.db);
  let db;
  try {
    db = openDatabase(path);
  } catch (e) {
    return fail(io, values.json, appError('STORAGE_FAILED', describeStartupError(e, path)));
  }
  try {
    const report = await backupDatabase(db, resolve(values.out), new FileKeyStore(auditKeyDir()));
    if (values.json) io.out(`${JSON.stringify(report)}\n`);
    if (report.integrity !== 'ok' || !report.audit.ok) {
      io.err(`pumpctl: the backup at ${report.path} failed verification: ${report.integrity !== 'ok' ? report.integrity : (report.audit.firstFailure?.message ?? 'audit chain')}\n`);
      return EXIT.integrity;
    }
    if (!values.json) io.out(`Backup written and verified: ${report.path} (${report.audit.records} audit records, integrity ok).\n`);
    return EXIT.ok;
  } catch (e) {
    return fail(io, values.json, appError('STORAGE_FAILED', `The backup could not be written: ${(e as Error).message}`));
  } finally {
    db.close();
  }
}
