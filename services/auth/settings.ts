import { isValidTimeZone } from '../../core/clock';
import { dec } from '../../core/decimal';
import type { Db } from '../../db/connection';
import { getSetting } from '../../db/queries/users';

export interface SiteSettings {
  idleLockMinutes: number;
  maxFailedSignIns: number;
  lockoutMinutes: number;
  /** The interface language new sessions start in. */
  language: 'zh-CN' | 'en';
  /** The low-reservoir alarm volume suggested when a pump is set up, in mL. */
  lowReservoirAlarmMl: string;
  /** The clinic's time zone (IANA name): its calendar dates and the flex steps' clock. */
  timeZone: string;
  /** Printed on the patient card. */
  clinicName: string;
  clinicPhone: string;
  /** Days before the forecast low-reservoir alarm that the next refill is planned. */
  refillMarginDays: number;
}

/** The workstation's own time zone: the clinic's until an administrator sets another. */
export const workstationTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const DEFAULT_SETTINGS: SiteSettings = {
  idleLockMinutes: 5,
  maxFailedSignIns: 5,
  lockoutMinutes: 15,
  language: 'zh-CN',
  lowReservoirAlarmMl: '2',
  timeZone: workstationTimeZone(),
  clinicName: '',
  clinicPhone: '',
  refillMarginDays: 0,
};

const int = (value: string | undefined, fallback: number, min: number, max: number): number => {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

export const alarmVolume = (value: string | undefined): string =>
  value !== undefined && /^\d{1,2}(\.\d)?$/.test(value) && dec(value).gt(0)
    ? value
    : DEFAULT_SETTINGS.lowReservoirAlarmMl;

const timeZoneOf = (value: string | undefined): string =>
  value !== undefined && isValidTimeZone(value) ? value : workstationTimeZone();

/** The site's settings, each falling back to its default when unset or out of range. */
export function siteSettings(db: Db): SiteSettings {
  const language = getSetting(db, 'language');
  return {
    idleLockMinutes: int(getSetting(db, 'idleLockMinutes'), DEFAULT_SETTINGS.idleLockMinutes, 1, 60),
    maxFailedSignIns: int(getSetting(db, 'maxFailedSignIns'), DEFAULT_SETTINGS.maxFailedSignIns, 3, 20),
    lockoutMinutes: int(getSetting(db, 'lockoutMinutes'), DEFAULT_SETTINGS.lockoutMinutes, 1, 1440),
    language: language === 'en' || language === 'zh-CN' ? language : DEFAULT_SETTINGS.language,
    lowReservoirAlarmMl: alarmVolume(getSetting(db, 'lowReservoirAlarmMl')),
    timeZone: timeZoneOf(getSetting(db, 'timeZone')),
    clinicName: getSetting(db, 'clinicName') ?? DEFAULT_SETTINGS.clinicName,
    clinicPhone: getSetting(db, 'clinicPhone') ?? DEFAULT_SETTINGS.clinicPhone,
    refillMarginDays: int(getSetting(db, 'refillMarginDays'), DEFAULT_SETTINGS.refillMarginDays, 0, 30),
  };
}
