import type { TFunction } from 'i18next';
import type { AuditRowView } from '../../../core/api/audit-schemas';
import { formatDateTime, formatQuantityText } from '../../app/format';

/** i18next reads dots as nesting: an action code's key has underscores instead. */
const actionKey = (action: string): string => action.replace(/\./g, '_');

/** What happened, in the reader's language (the stored code where no translation exists). */
export const actionText = (t: TFunction, action: string): string =>
  t(`auditAction.${actionKey(action)}`, { defaultValue: action });

/** A person as the reader knows them: the name, with the user name for the record. */
export const personText = (name: string | null, username: string): string =>
  name === null || name === username ? username : `${name} (${username})`;

/** The patient a record is about: name and ID, or the ID alone when no record of the patient is known. */
export const patientText = (row: Pick<AuditRowView, 'patientId' | 'patientName'>): string =>
  row.patientId === null ? '' : row.patientName === null ? row.patientId : `${row.patientName} (${row.patientId})`;

/** One value of a change, with words translated (drugs, modes, roles, states) and figures as recorded, with their units as the reader writes them. */
function valueText(t: TFunction, field: string, value: string | null): string {
  if (value === null) return '—';
  if (field === 'drug' || field === 'newDrug') return t(`drug.${value}`, { defaultValue: value });
  if (field === 'mode') return t(`mode.${value}`, { defaultValue: value });
  if (field === 'role') return t(`role.${value}`, { defaultValue: value });
  if (field === 'status') return t(`orders.state.${value}`, { defaultValue: value });
  if (value === 'true' || value === 'false') return t(`audit.${value === 'true' ? 'yes' : 'no'}`);
  return formatQuantityText(value, t);
}

/** One change as read aloud: "Daily dose: 4 mg/day → 4.2 mg/day" (a value set for the first time has no arrow). */
export function changeText(t: TFunction, change: AuditRowView['changes'][number]): string {
  const field = t(`auditField.${change.field}`, { defaultValue: change.field });
  if (change.old === null || change.new === null || change.old === change.new)
    return t('audit.value', { field, value: valueText(t, change.field, change.new ?? change.old) });
  return t('audit.changed', {
    field,
    old: valueText(t, change.field, change.old),
    new: valueText(t, change.field, change.new),
  });
}

/**
 * The reasons the programmer itself records (a failed sign-in, unlock or witness sign-off, a
 * replaced session, a flagged refill), each under its key in `auditReason`; what a person wrote
 * as a reason is shown as written.
 */
const recordedReasons: Record<string, string> = {
  'wrong password': 'wrongPassword',
  'unknown or disabled user': 'unknownUser',
  'account locked': 'accountLocked',
  'account locked after wrong current passwords': 'lockedAfterWrongCurrent',
  'refill discrepancy above threshold: check for pocket fill or pump malfunction': 'refillDiscrepancy',
};

/** A recorded reason in the reader's language: "wrong password; locked until 2026-12-01T23:20:00Z" as 密码错误；锁定至 …. */
export function reasonText(t: TFunction, reason: string, language: string): string {
  const known = recordedReasons[reason];
  if (known !== undefined) return t(`auditReason.${known}`);
  const locked = /^(.*); locked until (\d{4}-\d{2}-\d{2}T[0-9:.]+Z)$/.exec(reason);
  if (locked !== null && recordedReasons[locked[1] ?? ''] !== undefined)
    return t('auditReason.lockedUntil', {
      why: t(`auditReason.${recordedReasons[locked[1] ?? '']}`),
      until: formatDateTime(locked[2] ?? '', language),
    });
  const replaced = /^replaced by (\S+)$/.exec(reason);
  if (replaced !== null) return t('auditReason.replacedBy', { user: replaced[1] });
  return reason;
}

export const changesText = (t: TFunction, changes: AuditRowView['changes']): string =>
  changes.map((c) => changeText(t, c)).join('; ');

/** The actions a reader can search for (a prefix finds its sub-actions: a program finds its outcome too). */
export const auditActions = [
  'pump.interrogate',
  'pump.program',
  'pump.bolus',
  'pump.reservoir.update',
  'refill.record',
  'prescription.create',
  'prescription.cancel',
  'pump.register',
  'pump.clock.set',
  'pump.alarmTest',
  'patient.create',
  'pain.record',
  'screening.record',
  'opioids.record',
  'opioids.stop',
  'user.signIn',
  'user.witness',
  'user.signOut',
  'user.lock',
  'user.unlock',
  'user.create',
  'user.disable',
  'user.enable',
  'user.resetPassword',
  'user.changePassword',
  'library.edit',
  'library.confirm',
  'settings.edit',
  'audit.export',
  'deny',
] as const;
