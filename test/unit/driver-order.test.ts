// The order of transfers in an exchange: with no read in flight, the request is sent first and the
// answer's first read is submitted only after its last packet (a read pending while the wand
// computes slows the wand's side under emulation); a read left pending by a deadline is still
// drained before the next request, and its late answer is not taken for the new one.
import { describe, expect, it } from 'vitest';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { encodeMessage } from '../../drivers/protocol/messages';
import type { UsbInResult, UsbOutResult } from '../../drivers/usb/types';
import { WandTransport } from '../../drivers/usb/transport';
import { manualClock } from './helpers';

/** Records each transfer and how many reads were in flight when each write was submitted. */
class OrderedDevice extends SimulatedUsbDevice {
  inFlight = 0;
  readonly events: string[] = [];
  /** Answers held back (a wand slower than the deadline) until released. */
  hold = false;
  private held: Array<() => void> = [];
  override transferOut(endpoint: number, data: Uint8Array): Promise<UsbOutResult> {
    this.events.push(`out(reads in flight: ${this.inFlight})`);
    return super.transferOut(endpoint, data);
  }
  override transferIn(endpoint: number, length: number): Promise<UsbInResult> {
    this.events.push('in');
    this.inFlight++;
    const gate = this.hold ? new Promise<void>((resolve) => this.held.push(resolve)) : Promise.resolve();
    return gate
      .then(() => super.transferIn(endpoint, length))
      .finally(() => {
        this.inFlight--;
      });
  }
  release(): void {
    this.hold = false;
    for (const r of this.held.splice(0)) r();
  }
}

function setup(timeoutMs = 500) {
  const clock = manualClock();
  const device = new OrderedDevice(new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)));
  return { device, t: new WandTransport(device, timeoutMs) };
}

const hello = encodeMessage({ type: 'HELLO', version: 2 });
const find = encodeMessage({ type: 'FIND_PUMP' });

describe('the order of transfers in an exchange', () => {
  it('sends the request before submitting the answer’s first read, exchange after exchange', async () => {
    const { device, t } = setup();
    expect(await t.open()).toEqual({ ok: true });
    for (const m of [hello, find, hello]) {
      device.events.length = 0;
      const r = await t.exchange(m.type, m.payload);
      expect(r.ok).toBe(true);
      expect(device.events[0]).toBe('out(reads in flight: 0)');
      expect(device.events.slice(1).every((e) => e === 'in')).toBe(true);
      expect(device.inFlight).toBe(0);
    }
    await t.close();
  });

  it('drains a read left pending by a deadline, and answers the next request, not the late one', async () => {
    const { device, t } = setup(40);
    expect(await t.open()).toEqual({ ok: true });
    device.hold = true;
    expect(await t.exchange(hello.type, hello.payload)).toMatchObject({ ok: false, error: { kind: 'TIMEOUT' } });
    expect(device.inFlight).toBe(1); // the read is left pending
    device.release(); // the late answer to HELLO arrives before the next request
    await new Promise((resolve) => setTimeout(resolve, 10));
    const r = await t.exchange(find.type, find.payload);
    expect(r.ok).toBe(true);
    expect(r.ok && r.frame.type).toBe(find.type + 0x80);
    expect(t.discarded).toBeGreaterThan(0);
    await t.close();
  });
});
