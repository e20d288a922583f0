import { describe, expect, it } from 'vitest';
import { operations, permissionTable, roles, may, type Operation, type Role } from '../../core/permissions';

describe('the permission table', () => {
  // The specification, written out in full: every role × every operation.
  const expected: Record<Role, readonly Operation[]> = {
    physician: [
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
      'review.clear',
      'witness.sign',
      'audit.view',
      'audit.export',
    ],
    nurse: [
      'patient.view',
      'patient.edit',
      'pain.record',
      'pump.interrogate',
      'pump.reservoir.update',
      'pump.clock.set',
      'pump.alarmTest',
      'session.resolve',
      'refill.record',
      'witness.sign',
      'audit.view',
    ],
    admin: [
      'patient.view',
      'audit.view',
      'audit.export',
      'library.edit',
      'library.confirm',
      'users.manage',
      'settings.edit',
    ],
  };

  it.each(roles.flatMap((role) => operations.map((operation) => [role, operation] as const)))(
    '%s × %s',
    (role, operation) => {
      expect(may(role, operation)).toBe(expected[role].includes(operation));
    },
  );

  it('has an entry for every operation and names only known roles', () => {
    expect(Object.keys(permissionTable).sort()).toEqual([...operations].sort());
    for (const allowed of Object.values(permissionTable)) for (const r of allowed) expect(roles).toContain(r);
  });
});
