import type { InterrogationRecord } from '../core/api/contract';
import { PumpStatusSchema, type LinkKind } from '../core/pump';
import { appError, err, ok, type Result } from '../core/result';
import type { Db } from '../db/connection';
import { appendAudit } from '../db/queries/audit';
import { insertInterrogation, listInterrogations, type InterrogationRow } from '../db/queries/interrogations';
import type { PumpLink } from '../drivers/link';

export interface InterrogationDeps {
  db: Db;
  link: PumpLink;
  actor: string;
  now: () => Date;
}

/**
 * Reads the pump and records the reading: the audit record and the interrogation row are
 * committed in one transaction before the result is returned, so what the user sees is on disk.
 * A failed reading is recorded too.
 */
export async function interrogate(deps: InterrogationDeps, signal?: AbortSignal): Promise<Result<InterrogationRecord>> {
  const read = await deps.link.interrogate(signal);
  const recordedAt = deps.now().toISOString();
  try {
    if (!read.ok) {
      appendAudit(deps.db, {
        atUtc: recordedAt,
        actor: deps.actor,
        action: 'pump.interrogate',
        pumpSerial: null,
        detail: { link: deps.link.kind, error: read.error },
        outcome: 'rejected',
      });
      return read;
    }
    const status = read.value;
    const id = deps.db.transaction(() => {
      const auditId = appendAudit(deps.db, {
        atUtc: recordedAt,
        actor: deps.actor,
        action: 'pump.interrogate',
        pumpSerial: status.serial,
        detail: { link: deps.link.kind, pumpTime: status.pumpTime },
        outcome: 'confirmed',
      });
      return insertInterrogation(deps.db, {
        recordedAt,
        link: deps.link.kind,
        pumpSerial: status.serial,
        statusJson: JSON.stringify(status),
        auditId,
      });
    })();
    return ok({ id, recordedAt, link: deps.link.kind, status });
  } catch (e) {
    return err(appError('STORAGE_FAILED', `The reading could not be saved: ${(e as Error).message}`));
  }
}

export function recentInterrogations(db: Db, options: { limit: number; serial?: string | undefined }): InterrogationRecord[] {
  return listInterrogations(db, options).map(rowToRecord);
}

const rowToRecord = (row: InterrogationRow): InterrogationRecord => ({
  id: row.id,
  recordedAt: row.recordedAt,
  link: row.link as LinkKind,
  // Stored rows are parsed again on the way out: a damaged row fails loudly here, not in the UI.
  status: PumpStatusSchema.parse(JSON.parse(row.statusJson)),
});
