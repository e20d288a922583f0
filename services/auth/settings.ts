import { dec } from '../../core/decimal';
import { appError, err, ok, type Result } from '../../core/result';
import type { Db } from '../../db/connection';
import type { AuditLog } from '../../db/audit/log';
import { getSetting, setSetting } from '../../db/queries/users';
import { authorize, type SignedInUser } from './accounts';

export interface SiteSettings {
  idleLockMinutes: number;
  maxFailedSignIns: number;
  lockoutMinutes: number;
  /** The interface language new sessions start in. */
  language: 'zh-CN' | 'en';
  /** The low-reservoir alarm volume suggested when a pump is set up, in mL. */
  lowReservoirAlarmMl: string;
}

export const DEFAULT_SETTINGS: SiteSettings = { idleLockMinutes: 5, maxFailedSignIns: 5, lockoutMinutes: 15, language: 'zh-CN', lowReservoirAlarmMl: '2' };

const int = (value: string | undefined, fallback: number, min: number, max: number): number => {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

const alarmVolume = (value: string | undefined): string => (value !== undefined && /^\d{1,2}(\.\d)?$/.test(value) && dec(value).gt(0) ? value : DEFAULT_SETTINGS.lowReservoirAlarmMl);

/** The site's settings, each falling back to its default when unset or out of range. */
export function siteSettings(db: Db): SiteSettings {
  const language = getSetting(db, 'language');
  return {
    idleLockMinutes: int(getSetting(db, 'idleLockMinutes'), DEFAULT_SETTINGS.idleLockMinutes, 1, 60),
    maxFailedSignIns: int(getSetting(db, 'maxFailedSignIns'), DEFAULT_SETTINGS.maxFailedSignIns, 3, 20),
    lockoutMinutes: int(getSetting(db, 'lockoutMinutes'), DEFAULT_SETTINGS.lockoutMinutes, 1, 1440),
    language: language === 'en' || language === 'zh-CN' ? language : DEFAULT_SETTINGS.language,
    lowReservoirAlarmMl: alarmVolume(getSetting(db, 'lowReservoirAlarmMl')),
  };
}

/** An administrator changes site settings; old and new values go to the audit trail. */
export function updateSettings(deps: { db: Db; audit: AuditLog; now: () => Date }, actor: SignedInUser, change: Partial<SiteSettings>): Result<SiteSettings> {
  const allowed = authorize(actor, 'settings.edit');
  if (!allowed.ok) return allowed;
  if (change.lowReservoirAlarmMl !== undefined && alarmVolume(change.lowReservoirAlarmMl) !== change.lowReservoirAlarmMl) {
    return err(appError('OUT_OF_RANGE', 'the alarm volume is a volume in mL such as 2 or 3.0', 'lowReservoirAlarmMl'));
  }
  const before = siteSettings(deps.db);
  deps.audit.commit(() => {
    for (const [key, value] of Object.entries(change)) {
      if (value !== undefined) setSetting(deps.db, key, String(value));
    }
    deps.audit.append({ atUtc: deps.now().toISOString(), actor: actor.username, role: actor.role, action: 'settings.edit', old: before, new: change, outcome: 'confirmed' });
  });
  return ok(siteSettings(deps.db));
}
