// The device side of the kernel bench (runs in the guest, started by bench.ts): the simulated wand
// and pump served as a real USB device. FunctionFS endpoint files carry the bulk packets; they go
// through the same in-memory `SimulatedUsbDevice` the training mode uses, so the host receives
// byte for byte what the in-memory device would answer, and the same faults can be armed. A fault
// that unplugs the device unbinds the gadget from the UDC: the host sees a real disconnect.
import { closeSync, openSync, read, readSync, write, writeSync } from 'node:fs';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import type { BridgeCommand, BridgeReport } from './bridge-messages';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { WAND_USB, type UsbDeviceLike } from '../../drivers/usb/types';
import {
  FFS_DIR,
  FFS_EVENT_BYTES,
  FFS_IN_FILE,
  FFS_OUT_FILE,
  FILLER_FFS_DIR,
  FfsEvent,
  PACKET,
  ffsDescriptors,
  ffsEventName,
  ffsStrings,
  fillerDescriptors,
  noStrings,
  plugGadget,
  unplugGadget,
} from './gadget';

export type { BridgeCommand, BridgeReport } from './bridge-messages';

const send = (r: BridgeReport): void => {
  process.send?.(r);
};

const pump = new SimulatedPump(defaultSimulatedPump(new Date()));
const wand = new SimulatedWand(pump);
/** Used as the USB device interface it implements (the interface number is not its concern). */
const device: UsbDeviceLike & SimulatedUsbDevice = new SimulatedUsbDevice(wand);
let mode: 'wand' | 'echo' = 'wand';

/** Packets for the IN endpoint, in order. */
const outgoing: Uint8Array[] = [];
let wakeWriter: (() => void) | null = null;
const queueIn = (p: Uint8Array): void => {
  outgoing.push(p);
  wakeWriter?.();
  wakeWriter = null;
};

/** Endpoint files of the current enable (FunctionFS disables the endpoints at every unplug and SET_CONFIGURATION). */
let generation = 0;
let inFd: number | null = null;
let wakeEnabled: (() => void) | null = null;

// The filler function first (it takes the endpoint numbers the wand must not get), kept open:
// closing its ep0 would unbind the gadget.
const fillerEp0 = openSync(`${FILLER_FFS_DIR}/ep0`, 'r+');
writeSync(fillerEp0, fillerDescriptors());
writeSync(fillerEp0, noStrings());
const ep0 = openSync(`${FFS_DIR}/ep0`, 'r+');
writeSync(ep0, ffsDescriptors());
writeSync(ep0, ffsStrings());
const outName = FFS_OUT_FILE;
const inName = FFS_IN_FILE;

function openEndpoints(): void {
  if (inFd !== null) disableEndpoints();
  const gen = ++generation;
  const outFd = openSync(`${FFS_DIR}/${outName}`, 'r');
  const fd = openSync(`${FFS_DIR}/${inName}`, 'w');
  inFd = fd;
  readOut(gen, outFd);
  wakeEnabled?.();
  wakeEnabled = null;
}

/** The IN file being written to (closed by the writer once its write has returned). */
let writingFd: number | null = null;

function disableEndpoints(): void {
  generation++;
  const fd = inFd;
  inFd = null;
  if (fd !== null && fd !== writingFd) closeSync(fd);
}

/** Reads the OUT endpoint one packet at a time: FunctionFS must be read 64 bytes per packet. */
function readOut(gen: number, fd: number): void {
  const buf = Buffer.alloc(PACKET);
  read(fd, buf, 0, PACKET, null, (e, n) => {
    if (e !== null) {
      closeSync(fd);
      return;
    }
    // Data read on a file of an earlier enable is still the host's: it is handled all the same.
    onOut(Uint8Array.prototype.slice.call(buf, 0, n));
    if (gen === generation) readOut(gen, fd);
    else closeSync(fd);
  });
}

function onOut(packet: Uint8Array): void {
  lastOutAt = performance.now();
  answering = true;
  if (mode === 'echo') {
    const count = packet[0] ?? 0;
    for (let i = 0; i < count; i++) queueIn(new Uint8Array(PACKET).fill(i));
    return;
  }
  // The in-memory device answers within this call when the packet completes a request.
  const t0 = performance.now();
  device.transferOut(WAND_USB.endpointOut, packet).catch(() => undefined);
  stats.busyMs += performance.now() - t0;
  stats.packets++;
}
const stats = { packets: 0, busyMs: 0, answerMs: 0 };
/** When the last OUT packet arrived, and whether its answer's first packet is still to be written. */
let lastOutAt = 0;
let answering = false;

/** Moves the wand's answers to the IN endpoint, packet by packet. */
async function pumpAnswers(): Promise<void> {
  for (;;) {
    try {
      const r = await device.transferIn(WAND_USB.endpointIn, PACKET);
      if (r.data !== undefined) queueIn(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength).slice());
    } catch {
      // Unplugged: wait for the replug.
      await new Promise<void>((resolve) => (resumeAnswers = resolve));
    }
  }
}
let resumeAnswers: (() => void) | null = null;

async function writeIn(): Promise<void> {
  for (;;) {
    const packet = outgoing.shift();
    if (packet === undefined) {
      await new Promise<void>((resolve) => (wakeWriter = resolve));
      continue;
    }
    while (inFd === null) await new Promise<void>((resolve) => (wakeEnabled = resolve));
    const fd = inFd;
    writingFd = fd;
    // The device's own time to answer: from the request's last packet to its answer's first write.
    if (answering) {
      stats.answerMs += performance.now() - lastOutAt;
      answering = false;
    }
    await new Promise<void>((resolve) => {
      // A write cut short by an unplug or a reconfiguration is lost, as on the wire.
      write(fd, packet, () => {
        writingFd = null;
        if (inFd !== fd) closeSync(fd);
        resolve();
      });
    });
  }
}

/** The filler's events are read and dropped: it is never enabled. */
function drainFillerEvents(): void {
  read(fillerEp0, Buffer.alloc(FFS_EVENT_BYTES * 4), 0, FFS_EVENT_BYTES * 4, null, (e) => {
    if (e === null) drainFillerEvents();
  });
}

function readEvents(): void {
  const buf = Buffer.alloc(FFS_EVENT_BYTES * 4);
  read(ep0, buf, 0, buf.length, null, (e, n) => {
    if (e !== null) {
      send({ ev: 'error', message: `ep0: ${e.message}` });
      return;
    }
    for (let at = 0; at + FFS_EVENT_BYTES <= n; at += FFS_EVENT_BYTES) {
      const type = buf[at + 8] ?? -1;
      send({ ev: 'ffs', type: ffsEventName(type), at: Date.now() });
      if (type === FfsEvent.ENABLE) openEndpoints();
      else if (type === FfsEvent.DISABLE || type === FfsEvent.UNBIND) disableEndpoints();
      else if (type === FfsEvent.SETUP) {
        // No class or vendor requests are defined for the wand: stall them.
        const inbound = ((buf[at] ?? 0) & 0x80) !== 0;
        try {
          if (inbound) readSync(ep0, Buffer.alloc(0));
          else writeSync(ep0, Buffer.alloc(0));
        } catch {
          // The stall is reported as an error by FunctionFS.
        }
      }
    }
    readEvents();
  });
}

device.onUnplug = () => {
  outgoing.length = 0;
  unplugGadget();
  send({ ev: 'unplugged', at: Date.now() });
};

async function replug(): Promise<void> {
  outgoing.length = 0;
  device.replug();
  await device.open();
  await device.claimInterface(WAND_USB.interface);
  resumeAnswers?.();
  resumeAnswers = null;
  plugGadget();
  send({ ev: 'replugged', at: Date.now() });
}

process.on('message', (m: BridgeCommand) => {
  switch (m.cmd) {
    case 'arm':
      device.armOnMessage(m.message, m.fault);
      send({ ev: 'armed' });
      break;
    case 'inject':
      device.inject(m.fault, m.offset ?? 0);
      send({ ev: 'injected' });
      break;
    case 'mode':
      mode = m.mode;
      outgoing.length = 0;
      send({ ev: 'mode', mode });
      break;
    case 'unplug':
      device.unplug();
      break;
    case 'replug':
      replug().catch((e: unknown) => send({ ev: 'error', message: `replug: ${String(e)}` }));
      break;
    case 'pump':
      send({
        ev: 'pump',
        lastTransactionId: pump.lastTransactionId,
        requests: device.requests,
        // Without a clock only within the conformance suite's W14 case, which gives it back.
        pumpTime: pump.status().pumpTime ?? 'no clock',
        utcOffsetMinutes: pump.utcOffsetMinutes,
      });
      break;
    case 'range':
      wand.pumpInRange = m.inRange;
      send({ ev: 'range', inRange: m.inRange });
      break;
    case 'log':
      for (let i = 0; i < m.count; i++) pump.alarmTest();
      send({ ev: 'logged', events: pump.events.length });
      break;
    case 'lose-clock':
      pump.loseClock();
      send({ ev: 'clock-lost' });
      break;
    case 'stats':
      send({ ev: 'stats', packets: stats.packets, busyMs: stats.busyMs, answerMs: stats.answerMs });
      stats.packets = 0;
      stats.busyMs = 0;
      stats.answerMs = 0;
      break;
    default: {
      const never: never = m;
      send({ ev: 'error', message: `unknown command ${JSON.stringify(never)}` });
    }
  }
});

async function main(): Promise<void> {
  await device.open();
  await device.claimInterface(WAND_USB.interface);
  readEvents();
  drainFillerEvents();
  void pumpAnswers();
  void writeIn();
  send({ ev: 'ready' });
}

main().catch((e: unknown) => {
  send({ ev: 'error', message: String(e) });
  process.exit(1);
});
