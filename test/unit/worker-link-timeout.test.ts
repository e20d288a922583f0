import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkerLink } from '../../drivers/worker/worker-link';

// The built worker and a node-usb stand-in (`npm test` builds both): see test/support/fake-node-usb.ts.
const WORKER = resolve('dist/worker/link-worker.cjs');
const FAKE_USB = resolve('dist/test/fake-node-usb.cjs');

/** Per thread: the calls that started and never settled, from the stand-in's log. */
function unsettled(dir: string): Map<string, string[]> {
  const open = new Map<string, Set<string>>();
  for (const line of readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n')) {
    const [thread = '', what, name, n] = line.split(' ');
    const calls = open.get(thread) ?? new Set<string>();
    open.set(thread, calls);
    if (what === 'start') calls.add(`${name} ${n}`);
    else calls.delete(`${name} ${n}`);
  }
  return new Map([...open].map(([t, calls]) => [t, [...calls]]));
}

const callsOf = (dir: string, thread: string): string[] =>
  readFileSync(join(dir, 'calls.log'), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l.startsWith(`${thread} start `))
    .map((l) => l.split(' ')[2] ?? '');

describe('a USB request that outlives the worker timeout (K7)', () => {
  let dir = '';
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.FAKE_NODE_USB_DIR;
    delete process.env.FAKE_NODE_USB_SILENT;
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('ends the worker only after its transfers settled and the wand was let go; the next worker claims it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'worker-timeout-'));
    process.env.FAKE_NODE_USB_DIR = dir;
    // The first worker's wand drops its first three answers: the interrogation is still waiting
    // for an answer (a read in flight, 1 s USB timeout) when WorkerLink's 1.2 s timeout comes.
    process.env.FAKE_NODE_USB_SILENT = '3';
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const link = new WorkerLink(WORKER, { mode: 'usb', usbModule: FAKE_USB }, 1_200);
    try {
      const firstThread = String(link.worker.threadId);
      const exited = new Promise<number>((r) => link.worker.once('exit', r));
      const stuck = await link.interrogate();
      expect(stuck).toMatchObject({
        ok: false,
        error: { code: 'COMMUNICATION_FAILED', message: expect.stringContaining('reset') as unknown },
      });
      // The stuck worker ends itself: it was not ended from outside, and nothing it called was in flight.
      expect(await exited).toBe(0);
      expect(terminate).not.toHaveBeenCalled();
      expect(unsettled(dir).get(firstThread)).toEqual([]);
      const calls = callsOf(dir, firstThread);
      expect(calls).toContain('transferIn');
      expect(calls.slice(calls.lastIndexOf('transferIn'))).toEqual(
        expect.arrayContaining(['releaseInterface', 'close']),
      );

      // The next request starts a new worker, which claims the interface the first one let go.
      const again = await link.interrogate();
      expect(again).toMatchObject({ ok: true, value: { serial: expect.any(String) as unknown } });
      expect(String(link.worker.threadId)).not.toBe(firstThread);
    } finally {
      await link.close();
    }
    // Closed: the second worker ended itself too, with nothing in flight.
    expect(terminate).not.toHaveBeenCalled();
    for (const [, calls] of unsettled(dir)) expect(calls).toEqual([]);
  });
});
