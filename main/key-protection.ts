import { app, safeStorage } from 'electron';
import type { KeyProtection } from '../db/audit/keys';
import { ACCEPT_BASIC_TEXT_ENV, ACCEPT_BASIC_TEXT_SWITCH, desktopKeyProtection } from './shell';

/**
 * The desktop app's keys at rest (the database key and the audit keys), wrapped with the
 * operating system's key store (Keychain, DPAPI, the Secret Service). Linux's `basic_text`
 * fallback is refused unless an administrator accepted it (main/shell.ts).
 */
export function safeStorageProtection(): KeyProtection | undefined {
  const acceptBasicText =
    app.commandLine.hasSwitch(ACCEPT_BASIC_TEXT_SWITCH) || process.env[ACCEPT_BASIC_TEXT_ENV] === '1';
  return desktopKeyProtection(safeStorage, { platform: process.platform, acceptBasicText });
}
