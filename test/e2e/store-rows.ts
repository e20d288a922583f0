import { readStore } from './store';
import type { RunningHost } from './web-host';

/** The rows a query finds in the host's database, read-only, as plain records. */
export function storeRows(host: RunningHost, sql: string, ...params: unknown[]): Array<Record<string, unknown>> {
  const db = readStore(host.databasePath);
  try {
    return db.prepare(sql).all(...params) as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}
