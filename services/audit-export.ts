import type { ApiOutput, ApiParsedInput, AppInfo } from '../core/api/contract';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import { exportCsv, exportFhir, exportJson } from '../db/audit/export';
import type { SignedInUser } from './auth/accounts';

export type AuditExportFormat = ApiParsedInput<'audit:export'>['format'];

/**
 * The whole audit trail as a file to save: CSV, JSON, or a FHIR bundle, named after the day.
 * The export is recorded before the file is made, so it is part of what it exports.
 */
export function exportAudit(
  deps: { db: Db; audit: AuditLog; now: () => Date },
  actor: SignedInUser,
  format: AuditExportFormat,
  host: AppInfo['host'],
): ApiOutput<'audit:export'> {
  deps.audit.append({
    atUtc: deps.now().toISOString(),
    actor: actor.username,
    role: actor.role,
    action: 'audit.export',
    new: { format, host },
    outcome: 'confirmed',
  });
  const content =
    format === 'csv' ? [...exportCsv(deps.db)].join('') : format === 'json' ? exportJson(deps.db) : exportFhir(deps.db);
  return { fileName: exportFileName(format, deps.now()), mediaType: mediaTypes[format], content };
}

const mediaTypes: Record<AuditExportFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  fhir: 'application/fhir+json',
};

/** `audit-2026-03-14.csv`, `audit-2026-03-14.json`, `audit-2026-03-14-fhir.json` (the UTC date). */
const exportFileName = (format: AuditExportFormat, at: Date): string =>
  `audit-${at.toISOString().slice(0, 10)}${format === 'fhir' ? '-fhir' : ''}.${format === 'csv' ? 'csv' : 'json'}`;
