import type { Db } from '../connection';

export interface InterrogationRow {
  id: number;
  recordedAt: string;
  link: string;
  pumpSerial: string;
  statusJson: string;
}

export function insertInterrogation(
  db: Db,
  row: { recordedAt: string; link: string; pumpSerial: string; statusJson: string; auditSeq: number },
): number {
  const info = db
    .prepare(
      `INSERT INTO interrogations (recorded_at, link, pump_serial, status_json, audit_seq)
       VALUES (?, ?, ?, ?, ?)`,
    )
    .run(row.recordedAt, row.link, row.pumpSerial, row.statusJson, row.auditSeq);
  return Number(info.lastInsertRowid);
}

/** Newest first; uses `interrogations_pump` when a serial is given, the primary key otherwise. */
export function listInterrogations(
  db: Db,
  options: { limit: number; serial?: string | undefined },
): InterrogationRow[] {
  const columns = `id, recorded_at AS recordedAt, link, pump_serial AS pumpSerial, status_json AS statusJson`;
  if (options.serial !== undefined) {
    return db
      .prepare<[string, number], InterrogationRow>(
        `SELECT ${columns} FROM interrogations WHERE pump_serial = ? ORDER BY id DESC LIMIT ?`,
      )
      .all(options.serial, options.limit);
  }
  return db
    .prepare<[number], InterrogationRow>(`SELECT ${columns} FROM interrogations ORDER BY id DESC LIMIT ?`)
    .all(options.limit);
}
