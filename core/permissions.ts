/**
 * Who may do what: an exhaustive role × operation table. A nurse records refills and updates the
 * reservoir volume but never changes a program; only the site administrator / pharmacist edits
 * the drug library, users and site settings.
 */
export const roles = ['physician', 'nurse', 'admin'] as const;
export type Role = (typeof roles)[number];

export const operations = [
  'patient.view',
  'patient.edit',
  'pain.record',
  'screening.record',
  'prescription.create',
  'pump.interrogate',
  'pump.program',
  'pump.reservoir.update',
  'pump.clock.set',
  'pump.alarmTest',
  'session.resolve',
  'refill.record',
  /** Clearing a pump from the review list a flagged refill discrepancy put it on. */
  'review.clear',
  'witness.sign',
  'audit.view',
  'audit.export',
  'library.edit',
  'library.confirm',
  'users.manage',
  'settings.edit',
] as const;
export type Operation = (typeof operations)[number];

const P = 'physician';
const N = 'nurse';
const A = 'admin';

export const permissionTable: Record<Operation, readonly Role[]> = {
  'patient.view': [P, N, A],
  'patient.edit': [P, N],
  'pain.record': [P, N],
  'screening.record': [P],
  'prescription.create': [P],
  'pump.interrogate': [P, N],
  'pump.program': [P],
  'pump.reservoir.update': [P, N],
  'pump.clock.set': [P, N],
  'pump.alarmTest': [P, N],
  'session.resolve': [P, N],
  'refill.record': [P, N],
  'review.clear': [P],
  'witness.sign': [P, N],
  'audit.view': [P, N, A],
  'audit.export': [P, A],
  'library.edit': [A],
  'library.confirm': [A],
  'users.manage': [A],
  'settings.edit': [A],
};

export const may = (role: Role, operation: Operation): boolean => permissionTable[operation].includes(role);
