// The driver on a USB device that behaves as node-usb@3 does on Linux (the kernel bench,
// test/usb/, found each of these on the real stack: K1, K2, K3 in docs/testing.md).
import { describe, expect, it } from 'vitest';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { WandLink } from '../../drivers/wand-link';
import { NodeUsbLikeDevice } from './driver-fakes-node-usb';
import { manualClock } from './helpers';

function setup() {
  const clock = manualClock();
  const device = new NodeUsbLikeDevice(
    new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)),
  );
  return { device };
}

describe("node-usb's transfer timeout (K1)", () => {
  it('a wand silent for longer than node-usb’s 1 s default: "the pump did not answer", and the next interrogation works', async () => {
    const { device } = setup();
    const link = new WandLink(device); // the default 500 ms per exchange, three attempts
    expect(await link.interrogate()).toMatchObject({ ok: true });
    device.silent = 3;
    const lost = await link.interrogate();
    expect(lost).toMatchObject({
      ok: false,
      error: { code: 'COMMUNICATION_FAILED', message: expect.stringMatching(/^The pump did not answer/) as unknown },
    });
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
    // Every read names its own USB timeout, longer than the wait for one answer.
    expect(device.readTimeouts.length).toBeGreaterThan(0);
    for (const t of device.readTimeouts) expect(t).toBeGreaterThanOrEqual(500);
  }, 10_000);

  it('a read node-usb cancels while the answer is awaited is submitted again, and the answer is read', async () => {
    const { device } = setup();
    device.readCancelAfterMs = 15; // far shorter than the answer takes
    device.latencyMs = 60;
    const link = new WandLink(device, { timeoutMs: 300, retries: 0 });
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
    expect(device.readTimeouts.length).toBeGreaterThan(8); // HELLO, FIND_PUMP, OPEN_SESSION, READ_STATUS: reads re-submitted
  });

  it('a write node-usb cancels (the wand did not take it in time) is a lost request, retried', async () => {
    const { device } = setup();
    device.outFailures.push('transferOut error: Cancelled');
    const link = new WandLink(device, { timeoutMs: 100 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
  });
});

describe('opening again after a failure (K2)', () => {
  it('after a USB error the link reopens without selecting the configuration under its own claim', async () => {
    const { device } = setup();
    const link = new WandLink(device, { timeoutMs: 100 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    // An error the driver cannot place: not retried, the device is opened afresh before the next request.
    device.outFailures.push('transferOut error: InvalidArgument');
    expect(await link.interrogate()).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('USB error') as unknown },
    });
    const r = await link.interrogate();
    expect(r).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
    expect(device.log.filter((c) => c === 'selectConfiguration')).toEqual([]); // configuration 1 is active
  });

  it('a read still in flight when the link reopens ends first: the new claim and reads are not refused', async () => {
    const { device } = setup();
    const link = new WandLink(device, { timeoutMs: 100 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    device.silent = 1; // the next request's answer is lost: its read stays in flight
    device.outFailures.push(null, 'transferOut error: InvalidArgument'); // then the repeat fails oddly
    const failed = await link.interrogate();
    expect(failed.ok).toBe(false);
    expect(await link.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
  });

  it('a link closed after a timeout lets a new link on the same device claim it', async () => {
    const { device } = setup();
    const first = new WandLink(device, { timeoutMs: 100, retries: 0 });
    expect(await first.interrogate()).toMatchObject({ ok: true });
    device.silent = 1;
    expect(await first.interrogate()).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^The pump did not answer/) as unknown },
    });
    await first.close();
    const second = new WandLink(device, { timeoutMs: 100 });
    expect(await second.interrogate()).toMatchObject({ ok: true, value: { serial: 'SIM000123' } });
  });

  it('a device with no active configuration has it selected before the claim', async () => {
    const { device } = setup();
    Object.defineProperty(device, 'configuration', { get: () => null });
    const link = new WandLink(device, { timeoutMs: 100 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    expect(device.log.slice(0, 3)).toEqual(['open', 'selectConfiguration', 'claimInterface']);
  });

  it('another process holding the interface is "another program", not an unplugged wand', async () => {
    const { device } = setup();
    device.claimByOtherProcess();
    const r = await new WandLink(device, { timeoutMs: 100 }).interrogate();
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'WAND_NOT_FOUND',
        message: expect.stringMatching(/^Another program is using the wand/) as unknown,
      },
    });
  });
});

describe('an unplugged wand on node-usb (K3)', () => {
  it('a transfer after the unplug ("endpoint not found") is "the wand was unplugged"', async () => {
    const { device } = setup();
    const link = new WandLink(device, { timeoutMs: 100 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    device.unplug();
    const r = await link.interrogate();
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'COMMUNICATION_FAILED', message: expect.stringMatching(/^The wand was unplugged/) as unknown },
    });
  });

  it('a read in flight at the unplug ("Disconnected") is "the wand was unplugged"', async () => {
    const { device } = setup();
    const link = new WandLink(device, { timeoutMs: 400 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    device.latencyMs = 200;
    setTimeout(() => device.unplug(), 50);
    const r = await link.interrogate();
    expect(r).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^The wand was unplugged/) as unknown },
    });
  });

  it('opening a wand that is gone ("device not found") is "the wand was unplugged"', async () => {
    const { device } = setup();
    device.unplug();
    const r = await new WandLink(device, { timeoutMs: 100 }).interrogate();
    expect(r).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^The wand was unplugged/) as unknown },
    });
  });
});

describe('a stall as node-usb reports it', () => {
  it('"transferIn error: Stall" has the halt cleared and the answer is read', async () => {
    const { device } = setup();
    const link = new WandLink(device, { timeoutMs: 100 });
    expect(await link.interrogate()).toMatchObject({ ok: true });
    device.inFailures.push('transferIn error: Stall');
    expect(await link.interrogate()).toMatchObject({ ok: true });
    expect(device.log.filter((c) => c === 'clearHalt')).toHaveLength(1);
  });
});
