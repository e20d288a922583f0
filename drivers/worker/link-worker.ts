// The wand runs here, in a worker thread: USB transfers, retries and timeouts never hold up the
// event loop that serves the UI. Built to dist/worker/link-worker.cjs and out/main/link-worker.cjs.
import { parentPort, workerData } from 'node:worker_threads';
import { appError, err } from '../../core/result';
import type { PumpLink } from '../link';
import { trainingLink } from '../simulator/training';
import { WandLink } from '../wand-link';
import { AttachedWandLink, type UsbBus } from '../usb/attached-wand';
import type { UsbDeviceLike } from '../usb/types';
import type { LinkFrame, LinkRequest, LinkResponse, LinkWorkerData } from './messages';

const data = workerData as LinkWorkerData;
const port = parentPort;
if (port === null) throw new Error('link-worker must run as a worker thread');

async function usbLink(): Promise<PumpLink> {
  const { WebUSB } = await import('usb');
  const usb = new WebUSB({ allowAllDevices: true });
  // The wand whichever device object it is now: a replugged wand is found again and opened afresh.
  // node-usb's USBDevice implements the W3C interface the transport uses.
  return new AttachedWandLink(
    usb as unknown as UsbBus<UsbDeviceLike>,
    (device) => new WandLink(device, { kind: 'usb', ...frameOption }),
    // Hot-plug: report a detached wand at once, not at the next timeout.
    () => post({ id: -1, method: 'status', wand: { state: 'disconnected', linkQuality: null, pumpSerial: null } }),
  );
}

const post = (m: LinkResponse) => port.postMessage(m);
// Frames go to the host as they are exchanged (copied: a frame can be a view of a larger transfer
// buffer); a port delivers in order, so they arrive before the answer of their request.
const frameOption =
  data.frames === true
    ? {
        onFrame: (direction: 'out' | 'in', bytes: Uint8Array) =>
          port.postMessage({ id: -1, method: 'frame', direction, bytes: bytes.slice() } satisfies LinkFrame),
      }
    : {};
const unsupported = () => err(appError('COMMUNICATION_FAILED', 'this link does not support the request'));
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

port.on('message', (request: LinkRequest) => {
  void (async () => {
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
            (await link.setClock?.({ time: new Date(request.time), utcOffsetMinutes: request.utcOffsetMinutes })) ??
            unsupported(),
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
      case 'readEvents':
        post({
          id: request.id,
          method: 'readEvents',
          result: (await link.readEvents?.()) ?? unsupported(),
          wand: link.wandStatus(),
        });
        return;
      case 'close':
        await link.close();
        post({ id: request.id, method: 'close', wand: link.wandStatus() });
        return;
      default: {
        const never: never = request;
        throw new Error(`unknown request ${String(never)}`);
      }
    }
  })();
});
