import { describe, expect, it } from 'vitest';
import { REPLUG_AFTER_MS, trainingLink } from '../../drivers/simulator/training';

const write = (rate: string) => ({
  sessionId: '6f1c0d8e-5a3b-4c2d-9e1f-0a1b2c3d4e5f',
  transactionId: '0b8d7c6e-1f2a-4b3c-8d9e-7f6a5b4c3d2e',
  settings: {
    drug: 'morphine' as const,
    concentration: { value: '10', unit: 'mg/mL' as const },
    mode: 'continuous' as const,
    rate: { value: rate, unit: 'mL/day' as const },
  },
});

describe('the training scenario "unplug-during-programming"', () => {
  it('loses the acknowledgement of the first committed write, fails the read-back, and is replugged after a while', async () => {
    const { link, pump, device } = trainingLink({ scenario: 'unplug-during-programming' });
    expect((await link.interrogate()).ok).toBe(true);
    const sent = await link.program(write('0.27'));
    expect(sent).toMatchObject({ ok: false, error: { code: 'COMMUNICATION_FAILED' } });
    // The pump did commit: what it runs now is the new program, though nobody has seen it yet.
    expect(pump.lastTransactionId).toBe(write('0.27').transactionId);
    expect(device.unplugged).toBe(true);
    expect((await link.interrogate()).ok).toBe(false);
    await new Promise((r) => setTimeout(r, REPLUG_AFTER_MS + 100));
    const read = await link.interrogate();
    expect(read).toMatchObject({
      ok: true,
      value: { lastTransactionId: write('0.27').transactionId, rate: { value: '0.27' } },
    });
    await link.close();
  });

  it('leaves every other link untouched', async () => {
    const { link, device } = trainingLink();
    expect((await link.program(write('0.27'))).ok).toBe(true);
    expect(device.unplugged).toBe(false);
    await link.close();
  });
});
