import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyStore } from '../db/audit/keys';
import { openRuntime } from '../services/runtime';
import { startWebHost } from '../web/server';
import { median, timeEach, type Benchmark } from './harness';

export const interrogateThroughApi: Benchmark = {
  name: 'interrogation through the HTTP API',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'pump-bench-'));
    mkdirSync(join(dir, 'r'));
    writeFileSync(join(dir, 'r', 'index.html'), '<html></html>');
    const runtime = await openRuntime({ host: 'web', databasePath: join(dir, 'bench.sqlite'), simulator: true, keys: new FileKeyStore(join(dir, 'keys')) });
    const host = await startWebHost({ dispatch: runtime.dispatch, rendererDir: join(dir, 'r'), bridgeFile: join(dir, 'r', 'index.html') });
    const count = 300;
    try {
      const viaApi = async () => {
        const res = await fetch(`${host.origin}/api/pump:interrogate`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
          body: '{}',
        });
        const body = (await res.json()) as { ok: boolean };
        if (!body.ok) throw new Error('interrogation failed');
      };
      const direct = async () => {
        const result = await runtime.handlers['pump:interrogate']({});
        if (!result.ok) throw new Error('interrogation failed');
      };
      // Warm both paths before measuring.
      await timeEach(20, viaApi);
      await timeEach(20, direct);
      const api = await timeEach(count, viaApi);
      const core = await timeEach(count, direct);
      const value = median(api);
      const baseline = median(core);
      return { name: this.name, value, unit: 'ms', baselineName: 'direct service call', baseline, ratio: value / baseline, samples: count };
    } finally {
      await host.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
