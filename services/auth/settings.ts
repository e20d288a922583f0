import type { Db } from '../../db/connection';
import { getSetting } from '../../db/queries/users';

export interface SiteSettings {
  idleLockMinutes: number;
  maxFailedSignIns: number;
  lockoutMinutes: number;
}

export const DEFAULT_SETTINGS: SiteSettings = { idleLockMinutes: 5, maxFailedSignIns: 5, lockoutMinutes: 15 };

const int = (value: string | undefined, fallback: number, min: number, max: number): number => {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

/** The site's settings, each falling back to its default when unset or out of range. */
export function siteSettings(db: Db): SiteSettings {
  return {
    idleLockMinutes: int(getSetting(db, 'idleLockMinutes'), DEFAULT_SETTINGS.idleLockMinutes, 1, 60),
    maxFailedSignIns: int(getSetting(db, 'maxFailedSignIns'), DEFAULT_SETTINGS.maxFailedSignIns, 3, 20),
    lockoutMinutes: int(getSetting(db, 'lockoutMinutes'), DEFAULT_SETTINGS.lockoutMinutes, 1, 1440),
  };
}
