import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../db/audit/keys';
import type { Dispatch } from '../services/dispatch';
import { openRuntime } from '../services/runtime';
import { startWebHost } from '../web/server';
import { median, timeEach, type Benchmark } from './harness';

/** Meets the password policy for new passwords (at least 10 characters, not a common one). */
const PASSWORD = 'bench passphrase 1';

/**
 * Creates the first administrator and a physician through the API, and leaves the workstation
 * signed in as the physician: interrogation needs a signed-in user with that permission.
 */
async function signIn(dispatch: Dispatch): Promise<void> {
  const must = async (channel: string, input: unknown) => {
    const r = await dispatch(channel, input);
    if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r)}`);
  };
  await must('auth:setup', { username: 'admin', displayName: 'Bench Admin', password: PASSWORD });
  await must('users:create', { username: 'dr.bench', displayName: 'Dr Bench', password: PASSWORD, role: 'physician' });
  await must('auth:signIn', { username: 'dr.bench', password: PASSWORD });
}

export const interrogateThroughApi: Benchmark = {
  name: 'interrogation through the HTTP API',
  async run({ smoke }) {
    const dir = mkdtempSync(join(tmpdir(), 'pump-bench-'));
    mkdirSync(join(dir, 'r'));
    writeFileSync(join(dir, 'r', 'index.html'), '<html></html>');
    const runtime = await openRuntime({
      host: 'web',
      databasePath: join(dir, 'bench.sqlite'),
      simulator: true,
      keys: new FileKeyStore(join(dir, 'keys')),
    });
    await signIn(runtime.dispatch);
    const host = await startWebHost({
      dispatch: runtime.dispatch,
      rendererDir: join(dir, 'r'),
      bridgeFile: join(dir, 'r', 'index.html'),
    });
    const count = smoke ? 1 : 300;
    try {
      const viaApi = async () => {
        const res = await fetch(`${host.origin}/api/pump:interrogate`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
          body: '{}',
        });
        const body = (await res.json()) as { ok: boolean; error?: { code?: string; message?: string } };
        if (!body.ok) throw new Error(`interrogation failed: ${body.error?.code ?? ''} ${body.error?.message ?? ''}`);
      };
      const direct = async () => {
        const result = await runtime.handlers['pump:interrogate']({});
        if (!result.ok) throw new Error(`interrogation failed: ${result.error.code} ${result.error.message}`);
      };
      // Warm both paths before measuring.
      await timeEach(smoke ? 0 : 20, viaApi);
      await timeEach(smoke ? 0 : 20, direct);
      const api = await timeEach(count, viaApi);
      const core = await timeEach(count, direct);
      const value = median(api);
      const baseline = median(core);
      return {
        name: this.name,
        value,
        unit: 'ms',
        baselineName: 'direct service call',
        baseline,
        ratio: value / baseline,
        samples: count,
      };
    } finally {
      await host.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
