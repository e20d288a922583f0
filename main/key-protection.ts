import { safeStorage } from 'electron';
import type { KeyProtection } from '../db/audit/keys';

/**
 * The audit checkpoint key at rest, encrypted with the operating system's key store (Keychain,
 * DPAPI, libsecret). Where none is available the key file still has owner-only permissions.
 */
export function safeStorageProtection(): KeyProtection | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return {
    encrypt: (plain) => safeStorage.encryptString(plain.toString('hex')),
    decrypt: (stored) => Buffer.from(safeStorage.decryptString(stored), 'hex'),
  };
}
