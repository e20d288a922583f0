import { m0001Initial } from './0001-initial';
import { m0002Records } from './0002-records';
import type { Migration } from './types';

export type { Migration };

/** Every migration, in order. Append only: a released migration is never edited. */
export const migrations: readonly Migration[] = [m0001Initial, m0002Records];
