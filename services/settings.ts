import type { ApiParsedInput } from '../core/api/contract';
import { err, ok, type Result } from '../core/result';
import type { Db } from '../db/connection';
import type { AuditLog } from '../db/audit/log';
import { setSetting } from '../db/queries/users';
import { authorize, type SignedInUser } from './auth/accounts';
import { alarmVolume, siteSettings, type SiteSettings } from './auth/settings';
import { said } from '../core/messages';

/** An administrator changes site settings; old and new values go to the audit trail. */
export function updateSettings(
  deps: { db: Db; audit: AuditLog; now: () => Date },
  actor: SignedInUser,
  input: ApiParsedInput<'settings:update'>,
): Result<SiteSettings> {
  const allowed = authorize(actor, 'settings.edit');
  if (!allowed.ok) return allowed;
  // Only the settings given: the audit record names what changed.
  const change: Partial<SiteSettings> = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (
    change.lowReservoirAlarmMl !== undefined &&
    alarmVolume(change.lowReservoirAlarmMl) !== change.lowReservoirAlarmMl
  ) {
    return err(said('OUT_OF_RANGE', 'alarmVolumeFormat', {}, 'lowReservoirAlarmMl'));
  }
  const before = siteSettings(deps.db);
  deps.audit.commit(() => {
    for (const [key, value] of Object.entries(change)) {
      if (value !== undefined) setSetting(deps.db, key, String(value));
    }
    deps.audit.append({
      atUtc: deps.now().toISOString(),
      actor: actor.username,
      role: actor.role,
      action: 'settings.edit',
      old: before,
      new: change,
      outcome: 'confirmed',
    });
  });
  return ok(siteSettings(deps.db));
}
