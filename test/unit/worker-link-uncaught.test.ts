import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerLink } from '../../drivers/worker/worker-link';

// The built worker and a node-usb stand-in (`npm test` builds both): see test/support/fake-node-usb.ts.
const WORKER = resolve('dist/worker/link-worker.cjs');
const FAKE_USB = resolve('dist/test/fake-node-usb.cjs');

/** The calls a thread made, in order, and those that started and never settled. */
function callsOf(dir: string, thread: string): { calls: string[]; unsettled: string[] } {
  const calls: string[] = [];
  const open = new Set<string>();
  for (const line of readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n')) {
    const [t, what, name = '', n] = line.split(' ');
    if (t !== thread) continue;
    if (what === 'start') {
      calls.push(name);
      open.add(`${name} ${n}`);
    } else open.delete(`${name} ${n}`);
  }
  return { calls, unsettled: [...open] };
}

describe('an error the link worker does not catch, outside any request', () => {
  let dir = '';
  afterEach(() => {
    delete process.env.FAKE_NODE_USB_DIR;
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('ends the worker after it let the wand go; the next request is answered by a new worker', async () => {
    dir = mkdtempSync(join(tmpdir(), 'worker-uncaught-'));
    process.env.FAKE_NODE_USB_DIR = dir;
    const link = new WorkerLink(WORKER, { mode: 'usb', usbModule: FAKE_USB });
    try {
      const first = link.worker;
      const firstThread = String(first.threadId);
      const exited = new Promise<number>((r) => first.once('exit', r));
      expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
      expect(link.wandStatus().state).toBe('pump-found');

      // Nothing asked of the worker now: node-usb's stand-in throws from its own timer.
      writeFileSync(join(dir, 'throw-now'), '');
      // The worker's handler ends its link and the thread (code 1: not a requested end).
      expect(await exited).toBe(1);
      const { calls, unsettled } = callsOf(dir, firstThread);
      expect(unsettled).toEqual([]);
      expect(calls.slice(calls.lastIndexOf('transferIn'))).toEqual(
        expect.arrayContaining(['releaseInterface', 'close']),
      );
      expect(link.wandStatus().state).toBe('disconnected');

      // The next request starts a new worker, which claims the wand the first one let go.
      const again = await link.interrogate();
      expect(again).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
      expect(link.worker).not.toBe(first);
      expect(String(link.worker.threadId)).not.toBe(firstThread);
      expect(callsOf(dir, String(link.worker.threadId)).calls).toContain('claimInterface');
      expect(link.wandStatus().state).toBe('pump-found');
    } finally {
      await link.close();
    }
  });
});
