import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder name Electron derives from `productName`, so every host finds the same store. */
const APP_FOLDER = 'Intrathecal Pump Programmer';
export const DATABASE_FILE = 'programmer.sqlite';

/** The per-user application data folder, as Electron's `app.getPath('appData')` computes it. */
function appDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support');
  return env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config');
}

/** The embedded default: `PUMP_DB` when set, else the per-user data folder. */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return env['PUMP_DB'] ?? join(appDataDir(env), APP_FOLDER, DATABASE_FILE);
}

/** Where the audit checkpoint keys live: `PUMP_AUDIT_KEY_DIR` when set, else beside the app data. */
export function auditKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['PUMP_AUDIT_KEY_DIR'] ?? join(appDataDir(env), APP_FOLDER, 'audit-keys');
}
