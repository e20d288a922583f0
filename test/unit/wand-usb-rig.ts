// The reference wand behind its in-memory USB device on a monotonic clock the test moves, with the
// conformance suite's raw wire to it: for the tests of how the wand reads bulk OUT packets.
import { uuidToBytes } from '../../drivers/protocol/convert';
import { decodeFrame, encodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage, MESSAGE_VERSION, type Message } from '../../drivers/protocol/messages';
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

/**
 * A session with the reference wand without USB: HELLO and OPEN_SESSION sent, then `send(m)`
 * encodes one request frame, hands it to the wand and decodes its answer (a frame or message that
 * does not decode throws: the wand under test answers only what decodes).
 */
export function wandSession(wand: SimulatedWand): (m: Message) => Message {
  let seq = 0;
  const send = (m: Message): Message => {
    const frame = decodeFrame(wand.handle(frameOf(m, (seq = (seq % 255) + 1))));
    if (!frame.ok) throw new Error(frame.error.kind);
    const d = decodeMessage(frame.frame.type, frame.frame.payload);
    if (!d.ok) throw new Error(d.error.kind);
    return d.message;
  };
  send({ type: 'HELLO', version: MESSAGE_VERSION });
  send({ type: 'OPEN_SESSION', sessionId: uuidToBytes('99999999-8888-7777-6666-555555555555') });
  return send;
}
