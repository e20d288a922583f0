import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../db/audit/keys';
import { openRuntime } from '../../services/runtime';
import { tempDir } from './helpers';

// Runtime.close (services/runtime.ts) on a full disk.

describe('closing on a full disk', () => {
  it('does not throw, and closes the database', async () => {
    const { dir, cleanup } = tempDir();
    try {
      class FullKeyFolder extends FileKeyStore {
        override writeHead(): void {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
      }
      const logged: unknown[] = [];
      const runtime = await openRuntime({
        host: 'web',
        databasePath: join(dir, 'db.sqlite'),
        simulator: true,
        keys: new FullKeyFolder(join(dir, 'keys')),
        log: (e) => logged.push(e),
      });
      runtime.audit.append({
        atUtc: new Date().toISOString(),
        actor: 'nurse.wang',
        action: 'pump.interrogate',
        outcome: 'confirmed',
      });
      await expect(runtime.close()).resolves.toBeUndefined();
      expect(runtime.db.open).toBe(false);
      expect(String(logged[0])).toContain('ENOSPC');
      await expect(runtime.close()).resolves.toBeUndefined(); // a second close is harmless
    } finally {
      cleanup();
    }
  });
});
