// The reference wand behind its in-memory USB device on a monotonic clock the test moves, with the
// conformance suite's raw wire to it: for the tests of how the wand reads bulk OUT packets.
import { encodeFrame } from '../../drivers/protocol/frame';
import { encodeMessage, type Message } from '../../drivers/protocol/messages';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { WAND_USB } from '../../drivers/usb/types';
import { Wire } from '../conformance/wire';
import { manualClock } from './helpers';

/** `pass(ms)` moves the device's clock; `out(bytes)` is one bulk OUT transfer; `wire` reads the answers. */
export function usbRig(wireTimeoutMs: number) {
  const clock = manualClock();
  let ms = 1_000;
  const device = new SimulatedUsbDevice(
    new SimulatedWand(new SimulatedPump(defaultSimulatedPump(clock.now()), clock.now)),
    0,
    () => ms,
  );
  const wire = new Wire(device, wireTimeoutMs);
  const out = (bytes: Uint8Array) => device.transferOut(WAND_USB.endpointOut, bytes);
  return {
    device,
    wire,
    out,
    pass: (n: number) => {
      ms += n;
    },
  };
}

export const frameOf = (m: Message, seq: number): Uint8Array => encodeFrame({ seq, ...encodeMessage(m) });
