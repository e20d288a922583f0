import { dirname, join } from 'node:path';
import { DatabaseKeyFile } from '../../db/audit/keys';
import { openStoreReadOnly } from '../../db/store';

/** The web host's database, read-only: encrypted at rest with the database key in the host's key folder (web-host.ts). */
export const readStore = (databasePath: string) =>
  openStoreReadOnly(databasePath, new DatabaseKeyFile(join(dirname(databasePath), 'keys')));
