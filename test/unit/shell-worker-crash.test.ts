import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerLink } from '../../drivers/worker/worker-link';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** A stand-in link worker: answers interrogations, and dies on an alarm test (exits, or throws). */
const WORKER = (death: string) => `
const { parentPort } = require('node:worker_threads');
const wand = { state: 'pump-found', linkQuality: 100, pumpSerial: 'SIM000123' };
parentPort.on('message', (m) => {
  if (m.method === 'alarmTest') { ${death} }
  if (m.method === 'interrogate') parentPort.postMessage({ id: m.id, method: 'interrogate', result: { ok: true, value: { serial: 'SIM000123' } }, wand });
  if (m.method === 'close') parentPort.postMessage({ id: m.id, method: 'close', wand });
});`;

describe('a crashed link worker is replaced', () => {
  for (const [how, death] of [
    ['exits', 'process.exit(1);'],
    ['throws', "setImmediate(() => { throw new Error('native crash'); });"],
  ] as const) {
    it(`a worker that ${how} fails its request at once, and the next request is answered by a new one`, async () => {
      const file = join(dir, `worker-${how}.cjs`);
      writeFileSync(file, WORKER(death));
      const link = new WorkerLink(file, { mode: 'training' }); // the default 15 s timeout
      try {
        expect(await link.interrogate()).toMatchObject({ ok: true });
        let started = Date.now();
        expect(await link.alarmTest()).toMatchObject({
          ok: false,
          error: { code: 'COMMUNICATION_FAILED', message: expect.stringContaining('stopped') as unknown },
        });
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(link.wandStatus().state).toBe('disconnected');
        started = Date.now();
        expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(link.wandStatus().state).toBe('pump-found');
      } finally {
        await link.close();
      }
    }, 40_000);
  }
});
