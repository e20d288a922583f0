import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLibrary } from '../../core/library/defaults';
import { FileKeyStore } from '../../db/audit/keys';
import { AuditLog } from '../../db/audit/log';
import { openDatabase, type Db } from '../../db/connection';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { AttachedWandLink, type UsbBus } from '../../drivers/usb/attached-wand';
import { WandLink } from '../../drivers/wand-link';
import { deliverBolus } from '../../services/bolus';
import { programPump } from '../../services/programming';
import type { ProgrammingDeps } from '../../services/programming-request';
import { setPumpClock } from '../../services/pump-maintenance';
import { NodeUsbLikeDevice } from './driver-fakes-node-usb';
import { manualClock, tempDir } from './helpers';
import { doctor, lower, second } from './pump-write-setup';

// A wand taken off pump A and put on pump B between the read that decided a write and its send:
// a replugged wand is a new link that finds whichever pump is in range. Over the attached-wand
// link the hosts use, node-usb-like devices and the real driver's bytes.

class Bus implements UsbBus<NodeUsbLikeDevice> {
  devices: NodeUsbLikeDevice[] = [];
  getDevices() {
    return Promise.resolve([...this.devices]);
  }
  // Hot-plug events are not needed: the link finds the device on its next request.
  addEventListener(): void {}
  removeEventListener(): void {}
  plug(wand: SimulatedWand) {
    this.devices = [new NodeUsbLikeDevice(wand)];
  }
  unplug() {
    for (const d of this.devices.splice(0)) d.unplug();
  }
}

/** A wand on a patient's pump: the library's soft finding (not confirmed by a pharmacist) needs a reason. */
const ack = 'agreed with the team';
const START = Date.parse('2026-03-01T08:00:00Z');

let dir: string;
let cleanup: () => void;
let db: Db;
let deps: ProgrammingDeps;
let bus: Bus;
let link: AttachedWandLink<NodeUsbLikeDevice>;
let pumpA: SimulatedPump;
let pumpB: SimulatedPump;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = openDatabase(join(dir, 'x.sqlite'));
  const clock = manualClock(new Date(START));
  pumpA = new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now);
  pumpB = new SimulatedPump({ ...defaultSimulatedPump(clock.now()), serial: 'SIM000999' }, clock.now);
  bus = new Bus();
  bus.plug(new SimulatedWand(pumpA));
  link = new AttachedWandLink(bus, (device) => new WandLink(device, { kind: 'usb', timeoutMs: 100 }));
  deps = {
    db,
    audit: new AuditLog(db, new FileKeyStore(join(dir, 'keys'))),
    link,
    library: defaultLibrary,
    now: clock.now,
  };
});
afterEach(async () => {
  await link.close();
  db.close();
  cleanup();
});

/** The wand moved from pump A to pump B just before `method` sends. */
function moveWandBefore(method: 'program' | 'startBolus' | 'setClock'): void {
  const original = link[method].bind(link) as (arg: never) => Promise<unknown>;
  (link as unknown as Record<string, (arg: never) => Promise<unknown>>)[method] = (arg: never) => {
    bus.unplug();
    bus.plug(new SimulatedWand(pumpB));
    return original(arg);
  };
}
const outcomes = () =>
  db.prepare(`SELECT action, pump_serial AS serial, outcome FROM audit_log ORDER BY seq`).all() as Array<{
    action: string;
    serial: string;
    outcome: string;
  }>;

describe('a write reviewed for one pump, with the wand on another pump by the send', () => {
  it('a program: nothing reaches pump B; pump A’s write is recorded not applied, saying why', async () => {
    moveWandBefore('program');
    const r = await programPump(deps, { actor: doctor, witness: second, settings: lower, acknowledgement: ack });
    expect(r, JSON.stringify(r)).toMatchObject({
      ok: true,
      value: { outcome: 'rejected', mismatches: [{ key: 'writeOtherPump' }] },
    });
    expect(pumpB.status()).toMatchObject({ lastTransactionId: null, rate: { value: '0.3' } });
    expect(pumpA.status()).toMatchObject({ lastTransactionId: null, rate: { value: '0.3' } });
    expect(outcomes().filter((o) => o.serial === 'SIM000999')).toEqual([]);
  });

  it('a clinician bolus: pump B starts none', async () => {
    moveWandBefore('startBolus');
    const r = await deliverBolus(deps, {
      actor: doctor,
      witness: second,
      bolus: { kind: 'single', dose: '0.3', durationMinutes: 10 },
      acknowledgement: ack,
    });
    expect(r).toMatchObject({ ok: true, value: { outcome: 'rejected', pumpDid: 'not-started' } });
    expect(pumpB.status().lastTransactionId).toBeNull();
  });

  it('the clock: pump B is not set, and pump A’s clock is not recorded as set', async () => {
    pumpA.setClock(new Date(START - 600_000), 0);
    pumpB.setClock(new Date(START - 900_000), 0);
    moveWandBefore('setClock');
    const r = await setPumpClock(deps, doctor);
    expect(r).toMatchObject({ ok: false, error: { key: 'writeOtherPump' } });
    expect(pumpB.status().pumpTime).toBe(new Date(START - 900_000).toISOString());
    expect(outcomes().filter((o) => o.action === 'pump.clock.set.outcome')).toEqual([
      { action: 'pump.clock.set.outcome', serial: 'SIM000123', outcome: 'rejected' },
    ]);
  });
});
