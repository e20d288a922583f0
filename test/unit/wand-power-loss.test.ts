// A bus-powered wand unplugged loses power (docs/wand-protocol.md, "The session"): its session,
// what was begun or staged, and the host's HELLO are gone when it is plugged in again; the pump
// keeps its own state (the program it runs, its last transaction).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MESSAGE_VERSION, WandErrorCode } from '../../drivers/protocol/messages';
import { uuidToBytes } from '../../drivers/protocol/convert';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { Wire } from '../conformance/wire';
import { wireSettings } from '../conformance/helpers';

describe('a wand unplugged and plugged in again', () => {
  it('has lost its session and the host HELLO: a staged program cannot be committed', async () => {
    const pump = new SimulatedPump(defaultSimulatedPump(new Date()));
    const device = new SimulatedUsbDevice(new SimulatedWand(pump));
    let wire = new Wire(device, 300);
    await wire.open();
    await wire.expect('power', { type: 'HELLO', version: MESSAGE_VERSION }, 'HELLO_ACK');
    await wire.expect('power', { type: 'FIND_PUMP' }, 'PUMP_FOUND');
    await wire.expect('power', { type: 'OPEN_SESSION', sessionId: uuidToBytes(randomUUID()) }, 'SESSION_OPENED');
    const txId = uuidToBytes(randomUUID());
    await wire.expect('power', { type: 'BEGIN_TX', txId }, 'TX_BEGUN');
    const s = pump.status();
    const settings = wireSettings({ ...s, rate: { value: s.rate.value === '0.3' ? '0.28' : '0.3', unit: 'mL/day' } });
    await wire.expect('power', { type: 'STAGE_PROGRAM', txId, settings, reservoirUl: null, bridge: null }, 'STAGED');
    const lastTx = pump.status().lastTransactionId;

    device.unplug();
    device.replug();
    wire = new Wire(device, 300);
    await wire.open();
    // No HELLO since power-up: only HELLO is served.
    await wire.refused('power', { type: 'COMMIT', txId }, WandErrorCode.VERSION_MISMATCH);
    await wire.expect('power', { type: 'HELLO', version: MESSAGE_VERSION }, 'HELLO_ACK');
    // No session any more: the staged program went with it.
    await wire.refused('power', { type: 'COMMIT', txId }, WandErrorCode.NO_SESSION);
    expect(pump.status().lastTransactionId).toBe(lastTx);
    await wire.close();
  });
});
