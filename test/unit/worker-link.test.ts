import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkerLink } from '../../drivers/worker/worker-link';

// The built worker, as the web host and the desktop app start it (`npm test` builds first).
const WORKER = resolve('dist/worker/link-worker.cjs');

describe('the wand in a worker thread', () => {
  it('interrogates and programs through the worker', async () => {
    const link = new WorkerLink(WORKER, { mode: 'training' });
    try {
      const status = await link.interrogate();
      expect(status).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
      expect(link.wandStatus()).toMatchObject({ state: 'pump-found' });
      const tx = randomUUID();
      const written = await link.program({
        sessionId: 's',
        transactionId: tx,
        settings: {
          drug: 'morphine',
          concentration: { value: '10', unit: 'mg/mL' },
          mode: 'continuous',
          rate: { value: '0.33', unit: 'mL/day' },
        },
      });
      expect(written).toEqual({ ok: true, value: { applied: true } });
      expect(await link.interrogate()).toMatchObject({
        ok: true,
        value: { rate: { value: '0.33' }, lastTransactionId: tx },
      });
    } finally {
      await link.close();
    }
  });

  it('asks the pump about a transaction through the worker: applied, never applied, another pump', async () => {
    const link = new WorkerLink(WORKER, { mode: 'training' });
    try {
      const tx = randomUUID();
      const settings = {
        drug: 'morphine' as const,
        concentration: { value: '10', unit: 'mg/mL' as const },
        mode: 'continuous' as const,
        rate: { value: '0.33', unit: 'mL/day' as const },
      };
      expect(await link.program({ sessionId: 's', transactionId: tx, settings })).toMatchObject({ ok: true });
      expect(await link.wasApplied(tx, 'SIM000123')).toEqual({ ok: true, value: true });
      expect(await link.wasApplied(randomUUID(), 'SIM000123')).toEqual({ ok: true, value: false });
      expect(await link.wasApplied(tx, 'OTHER01')).toMatchObject({ ok: false, error: { key: 'probeOtherPump' } });
      // Asking changed nothing.
      expect(await link.interrogate()).toMatchObject({ ok: true, value: { lastTransactionId: tx } });
    } finally {
      await link.close();
    }
  });

  it('fails a stalled request with a typed error while the host keeps running', async () => {
    const link = new WorkerLink(WORKER, { mode: 'training', stallMs: 5_000 }, 300);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    try {
      const started = Date.now();
      const r = await link.interrogate();
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'COMMUNICATION_FAILED', message: expect.stringContaining('reset') as unknown },
      });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(ticks).toBeGreaterThanOrEqual(5); // the event loop was never blocked
      expect(link.wandStatus().state).toBe('disconnected');
    } finally {
      clearInterval(ticker);
      await link.close();
    }
  });
});
