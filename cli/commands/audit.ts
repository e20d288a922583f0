import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { appError } from '../../core/result';
import { openDatabaseReadOnly, type Db } from '../../db/connection';
import { withDatabase } from '../database';
import { exportCsv, exportFhir, exportJson } from '../../db/audit/export';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { verifyAudit } from '../../db/audit/verify';
import { auditKeyDir } from '../../services/paths';
import { describeStartupError } from '../../services/startup-errors';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';

const formats = ['csv', 'json', 'fhir'] as const;

export async function auditCommand(argv: string[], io: Io): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  let values;
  try {
    values = parseArgs({
      args: rest,
      options: {
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
        format: { type: 'string' },
        out: { type: 'string' },
        'key-dir': { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.db === undefined) throw new UsageError(`audit ${sub ?? ''} needs --db FILE`);
  const path = resolve(values.db);
  const keys = new FileKeyStore(values['key-dir'] ?? auditKeyDir());
  switch (sub) {
    case 'verify':
      return verify(io, path, keys, values.json);
    case 'export': {
      const format = values.format;
      if (format === undefined || !(formats as readonly string[]).includes(format)) throw new UsageError('audit export needs --format csv|json|fhir');
      return exportTrail(io, path, keys, format as (typeof formats)[number], values.out, values.json);
    }
    case undefined:
    default:
      throw new UsageError('audit needs verify or export');
  }
}

function verify(io: Io, path: string, keys: FileKeyStore, json: boolean): ExitCode {
  let db;
  try {
    db = openDatabaseReadOnly(path);
  } catch (e) {
    return fail(io, json, appError('STORAGE_FAILED', describeStartupError(e, path)));
  }
  try {
    const report = verifyAudit(db, keys);
    if (json) io.out(`${JSON.stringify(report)}\n`);
    if (!report.ok && report.firstFailure !== undefined) {
      io.err(`pumpctl: audit trail FAILED verification at record ${report.firstFailure.seq} (${report.firstFailure.problem}): ${report.firstFailure.message}\n`);
      return EXIT.integrity;
    }
    if (!json) {
      const key = report.checkpoints.keyAvailable
        ? `${report.checkpoints.verified} signed checkpoint(s) verified${report.lastCheckpointSeq > 0 ? `, the last at record ${report.lastCheckpointSeq}` : ''}`
        : 'the checkpoint key is not on this computer, so signatures were not checked';
      io.out(`Audit trail intact: ${report.records} record(s); ${key}.\n`);
      if (report.unprotectedTail > 0) io.out(`${report.unprotectedTail} record(s) after the last checkpoint are chained but not yet signed: removing them from the end could not be detected.\n`);
    }
    return EXIT.ok;
  } finally {
    db.close();
  }
}

function exportTrail(io: Io, path: string, keys: FileKeyStore, format: (typeof formats)[number], out: string | undefined, json: boolean): Promise<ExitCode> {
  return withDatabase(io, json, path, (db) => writeExport(io, db, keys, format, out, json));
}

async function writeExport(io: Io, db: Db, keys: FileKeyStore, format: (typeof formats)[number], out: string | undefined, json: boolean): Promise<ExitCode> {
  try {
    // Exporting is itself recorded, before the export so the file includes its own record.
    const audit = new AuditLog(db, keys);
    audit.append({ atUtc: new Date().toISOString(), actor: `cli:${process.env['USER'] ?? 'unknown'}`, action: 'audit.export', new: { format, out: out ?? 'stdout' }, outcome: 'confirmed' });
    audit.checkpoint();
    const chunks: Iterable<string> = format === 'csv' ? exportCsv(db) : [format === 'json' ? exportJson(db) : exportFhir(db)];
    if (out === undefined) {
      for (const chunk of chunks) io.out(chunk);
      return EXIT.ok;
    }
    const stream = createWriteStream(resolve(out));
    for (const chunk of chunks) if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
    await new Promise<void>((res, rej) => {
      stream.once('error', rej);
      stream.end(() => res());
    });
    return EXIT.ok;
  } catch (e) {
    return fail(io, json, appError('STORAGE_FAILED', `The export could not be written: ${(e as Error).message}`));
  }
}
