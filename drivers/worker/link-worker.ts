// The wand runs here, in a worker thread: USB transfers, retries and timeouts never hold up the
// event loop that serves the UI. Built to dist/worker/link-worker.cjs and out/main/link-worker.cjs.
import { pathToFileURL } from 'node:url';
import type * as NodeUsb from 'usb';
import { parentPort, workerData } from 'node:worker_threads';
import { said } from '../../core/messages';
import { err } from '../../core/result';
import type { PumpLink } from '../link';
import { trainingLink } from '../simulator/training';
import { WandLink } from '../wand-link';
import { AttachedWandLink, type UsbBus } from '../usb/attached-wand';
import type { UsbDeviceLike } from '../usb/types';
import type { LinkFrame, LinkRequest, LinkResponse, LinkWorkerData } from './messages';
import { gatedBus, NativeGate } from './native-gate';

const data = workerData as LinkWorkerData;
const port = parentPort;
if (port === null) throw new Error('link-worker must run as a worker thread');
// Every node-usb call passes the gate shared with the host thread, which ends this thread only
// with no call in flight (K7: a node-usb call settling after its thread ended aborts the process).
const gate = new NativeGate(data.nativeCalls);

async function usbLink(): Promise<PumpLink> {
  const { WebUSB } = (
    data.usbModule === undefined ? await import('usb') : await import(pathToFileURL(data.usbModule).href)
  ) as typeof NodeUsb;
  const usb = new WebUSB({ allowAllDevices: true });
  // The wand whichever device object it is now: a replugged wand is found again and opened afresh.
  // node-usb's USBDevice implements the W3C interface the transport uses.
  return new AttachedWandLink(
    gatedBus(usb as unknown as UsbBus<UsbDeviceLike>, gate),
    (device, { busyRetryMs }) => new WandLink(device, { kind: 'usb', busyRetryMs, ...frameOption }),
    // Hot-plug: report a detached wand at once, not at the next timeout.
    () => post({ id: -1, method: 'status', wand: { state: 'disconnected', linkQuality: null, pumpSerial: null } }),
  );
}

const post = (m: LinkResponse) => port.postMessage(m);
const DISCONNECTED = { state: 'disconnected', linkQuality: null, pumpSerial: null } as const;
// Frames go to the host as they are exchanged (copied: a frame can be a view of a larger transfer
// buffer); a port delivers in order, so they arrive before the answer of their request.
const frameOption =
  data.frames === true
    ? {
        onFrame: (direction: 'out' | 'in', bytes: Uint8Array) =>
          port.postMessage({ id: -1, method: 'frame', direction, bytes: bytes.slice() } satisfies LinkFrame),
      }
    : {};
const unsupported = () => err(said('COMMUNICATION_FAILED', 'linkNotSupported', {}));
const linkReady: Promise<PumpLink> =
  data.mode === 'usb'
    ? usbLink()
    : Promise.resolve(
        trainingLink({
          latencyMs: data.latencyMs ?? 0,
          scenario: data.scenario,
          pumpState: data.pumpState,
          ...frameOption,
        }).link,
      );

let ending: Promise<void> | null = null;

/**
 * Ends the link, then the thread: no node-usb call may start but those that let the wand go, the
 * transfers in flight end by their USB timeouts, the interface is released and the device closed,
 * and the thread exits once the gate shows no call in flight (and is locked). `answer` is posted
 * just before. Asked by the host (`close`, also when a request outlived its timeout) and on any
 * uncaught error here, so that this thread never ends with a transfer pending.
 */
function end(code: number, answer?: () => LinkResponse): Promise<void> {
  if (ending !== null) return ending;
  gate.closing = true;
  ending = (async () => {
    try {
      await (await linkReady).close();
    } catch {
      // The link is gone either way; the gate below decides when the thread may end.
    }
    await gate.lockWhenIdle();
    if (answer !== undefined) post(answer());
    setImmediate(() => process.exit(code));
  })();
  return ending;
}

// An error nothing caught must not end the thread as it stands (a transfer may be pending): the
// link is ended first. The host reports the exit as a stopped wand process and starts another.
for (const event of ['uncaughtException', 'unhandledRejection'] as const)
  process.on(event, (e: unknown) => {
    console.error(`link worker: ${event}:`, e);
    void end(1);
  });

port.on('message', (request: LinkRequest) => {
  if (ending !== null) return; // the host fails what it asked once the thread has exited
  void (async () => {
    if (request.method === 'close') {
      await end(0, () => ({ id: request.id, method: 'close', wand: DISCONNECTED }));
      return;
    }
    const link = await linkReady;
    if (data.stallMs !== undefined) await new Promise((r) => setTimeout(r, data.stallMs));
    switch (request.method) {
      case 'interrogate':
        post({ id: request.id, method: 'interrogate', result: await link.interrogate(), wand: link.wandStatus() });
        return;
      case 'program':
        post({ id: request.id, method: 'program', result: await link.program(request.write), wand: link.wandStatus() });
        return;
      case 'startBolus':
        post({
          id: request.id,
          method: 'startBolus',
          result: (await link.startBolus?.(request.write)) ?? unsupported(),
          wand: link.wandStatus(),
        });
        return;
      case 'setClock':
        post({
          id: request.id,
          method: 'setClock',
          result:
            (await link.setClock?.({
              time: new Date(request.time),
              utcOffsetMinutes: request.utcOffsetMinutes,
              pumpSerial: request.pumpSerial,
            })) ?? unsupported(),
          wand: link.wandStatus(),
        });
        return;
      case 'alarmTest':
        post({
          id: request.id,
          method: 'alarmTest',
          result: (await link.alarmTest?.()) ?? unsupported(),
          wand: link.wandStatus(),
        });
        return;
      case 'wasApplied':
        post({
          id: request.id,
          method: 'wasApplied',
          result: (await link.wasApplied?.(request.transactionId, request.serial)) ?? unsupported(),
          wand: link.wandStatus(),
        });
        return;
      case 'readEvents':
        post({
          id: request.id,
          method: 'readEvents',
          result: (await link.readEvents?.()) ?? unsupported(),
          wand: link.wandStatus(),
        });
        return;
      default: {
        const never: never = request;
        throw new Error(`unknown request ${String(never)}`);
      }
    }
  })();
});
