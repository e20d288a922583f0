import { m0001Initial } from './0001-initial';
import { m0002Records } from './0002-records';
import { m0003Security } from './0003-security';
import { m0004ClinicalSafety } from './0004-clinical-safety';
import { m0005RefillReview } from './0005-refill-review';
import { m0006AuditActorIndex } from './0006-audit-actor-index';
import type { Migration } from './types';

export type { Migration };

/** Every migration, in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [
  m0001Initial,
  m0002Records,
  m0003Security,
  m0004ClinicalSafety,
  m0005RefillReview,
  m0006AuditActorIndex,
];
