import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { trainingLink } from '../../drivers/simulator/training';
import { lower } from './pump-write-setup';

// A link closed by its owner (the wand's device went, the host shuts down, training and USB
// swapped): requests still queued behind the one in flight, and any made later, send nothing and
// do not open the wand again.

describe('a wand link closed while requests wait their turn', () => {
  it('answers the queued program "no wand attached"; the pump is not written and the wand stays closed', async () => {
    // 5 ms per exchange: the reading is in flight when the program is queued behind it and the link is closed.
    const t = trainingLink({ latencyMs: 5 });
    const before = await t.link.interrogate();
    expect(before.ok).toBe(true);
    const lastTx = t.pump.status().lastTransactionId;

    const reading = t.link.interrogate();
    const program = t.link.program({
      sessionId: randomUUID(),
      transactionId: randomUUID(),
      settings: lower,
      pumpSerial: 'SIM000123',
    });
    await new Promise((r) => setTimeout(r, 1));
    const requestsAtClose = t.device.requests;
    await t.link.close();

    const written = await program;
    expect(written.ok ? 'sent' : written.error.code).toBe('WAND_NOT_FOUND');
    await reading; // ended by the close, whatever it answered
    expect(t.pump.status().lastTransactionId).toBe(lastTx);
    expect(t.device.requests).toBeLessThanOrEqual(requestsAtClose + 1); // at most the reading's own request
    const later = await t.link.interrogate();
    expect(later.ok ? 'read' : later.error.code).toBe('WAND_NOT_FOUND');
    expect(t.device.opened).toBe(false);
  });
});
