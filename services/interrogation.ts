import type { InterrogationRecord } from '../core/api/contract';
import { PumpStatusSchema, type LinkKind } from '../core/pump';
import { err, ok, type Result } from '../core/result';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import { insertInterrogation, listInterrogations, type InterrogationRow } from '../db/queries/interrogations';
import type { PumpLink } from '../drivers/link';
import { clockWarnings } from '../core/clock-warnings';
import { siteSettings } from './auth/settings';
import { clockDriftSeconds } from './pump-maintenance';
import { askAboutOpenSessions, settleOpenSessions } from './open-sessions';
import { said } from '../core/messages';

export interface InterrogationDeps {
  db: Db;
  audit: AuditLog;
  link: PumpLink;
  actor: string;
  role?: string | null | undefined;
  now: () => Date;
}

/**
 * Reads the pump and records the reading: the audit record and the interrogation row are
 * committed in one transaction before the result is returned, so what the user sees is on disk.
 * A failed reading is recorded too. The answer carries the clock warnings (the pump's UTC offset
 * against the clinic's time zone, a daylight-saving change ahead of a flex program).
 */
export async function interrogate(deps: InterrogationDeps, signal?: AbortSignal): Promise<Result<InterrogationRecord>> {
  const read = await deps.link.interrogate(signal);
  const recordedAt = deps.now().toISOString();
  try {
    if (!read.ok) {
      deps.audit.append({
        atUtc: recordedAt,
        actor: deps.actor,
        role: deps.role ?? null,
        action: 'pump.interrogate',
        new: { link: deps.link.kind, error: read.error },
        outcome: 'rejected',
      });
      return read;
    }
    const status = read.value;
    const warnings = clockWarnings(
      { pumpOffsetMinutes: status.utcOffsetMinutes, mode: status.mode, pumpHasClock: status.pumpTime !== null },
      new Date(recordedAt),
      siteSettings(deps.db).timeZone,
    );
    const id = deps.audit.commit(() => {
      const { seq } = deps.audit.append({
        atUtc: recordedAt,
        pumpTime: status.pumpTime,
        actor: deps.actor,
        role: deps.role ?? null,
        pumpSerial: status.serial,
        action: 'pump.interrogate',
        new: {
          link: deps.link.kind,
          drug: status.drug,
          dailyDose: status.dailyDose,
          reservoirVolume: status.reservoirVolume,
        },
        outcome: 'confirmed',
      });
      return insertInterrogation(deps.db, {
        recordedAt,
        link: deps.link.kind,
        pumpSerial: status.serial,
        statusJson: JSON.stringify(status),
        auditSeq: seq,
      });
    });
    // Reading the pump also settles any programming outcome left unconfirmed on it; where its status
    // cannot tell (another programmer wrote since), the pump is asked. A failed question leaves the
    // session open (and the pump blocked), never the reading unanswered.
    const who = { username: deps.actor, role: deps.role ?? null };
    settleOpenSessions(deps, status, who);
    const asked = await askAboutOpenSessions(deps, status, who);
    // A wand that applied the question's COMMIT broke the protocol and may have changed the pump:
    // the reading above is no longer what the pump runs, so it is not the answer.
    if (!asked.ok && asked.error.field === 'COMMITTED.applied') return asked;
    return ok({
      id,
      recordedAt,
      link: deps.link.kind,
      status,
      clockDriftSeconds: clockDriftSeconds(status.pumpTime, new Date(recordedAt)),
      clockWarnings: warnings,
    });
  } catch (e) {
    return err(said('STORAGE_FAILED', 'readingNotSaved', { detail: (e as Error).message }));
  }
}

export function recentInterrogations(
  db: Db,
  options: { limit: number; serial?: string | undefined },
): InterrogationRecord[] {
  return listInterrogations(db, options).map(rowToRecord);
}

const rowToRecord = (row: InterrogationRow): InterrogationRecord => {
  // Stored rows are parsed again on the way out: a damaged row fails loudly here, not in the UI.
  const status = PumpStatusSchema.parse(JSON.parse(row.statusJson));
  return {
    id: row.id,
    recordedAt: row.recordedAt,
    link: row.link as LinkKind,
    status,
    clockDriftSeconds: clockDriftSeconds(status.pumpTime, new Date(row.recordedAt)),
  };
};
