import { DatabaseOpenError } from '../db/errors';

/** One message with the cause and the remedy, for a host that cannot start. */
export function describeStartupError(e: unknown, databasePath: string): string {
  if (e instanceof DatabaseOpenError) {
    switch (e.reason) {
      case 'NEWER_VERSION':
        return `${e.message}`;
      case 'CORRUPT':
        return `${e.message}\nThe file has been left as it is. Restore the latest backup, or start with another file (--db FILE) and contact support with this file.`;
      case 'NOT_DURABLE':
        return `${e.message}\nThe audit trail must be written safely to disk; use a local disk that supports file locking.`;
      case 'CANNOT_OPEN':
        if (/NODE_MODULE_VERSION|compiled against a different Node/.test(e.message)) {
          return `${e.message}\nThe SQLite module was built for another runtime (npm start rebuilds it for Electron). Run \`npm rebuild better-sqlite3\` to use it from Node again.`;
        }
        return `${e.message}\nCheck that the folder exists, is writable and the disk is not full, or choose another file with --db FILE.`;
      case 'NO_KEY':
        return `${e.message}\nThe database is encrypted at rest; it opens only with the database key kept in the key folder (docs/security.md).`;
      default: {
        const never: never = e.reason;
        return String(never);
      }
    }
  }
  return `Cannot start with the database ${databasePath}: ${(e as Error).message}`;
}
