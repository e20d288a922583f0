import type Database from 'better-sqlite3';

export interface Migration {
  /** The `user_version` after this migration. */
  version: number;
  name: string;
  up(db: Database.Database): void;
}
