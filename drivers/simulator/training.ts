import { SimulatedPump, defaultSimulatedPump, type Clock } from './pump';
import { SimulatedUsbDevice } from './usb-device';
import { SimulatedWand } from './wand';
import { WandLink, type WandLinkOptions } from '../wand-link';

/**
 * The training setup: the real wand driver and protocol, over an in-memory USB device that the
 * simulated wand and pump answer. Everything but the USB kernel device is the production path.
 */
export function trainingLink(options: { clock?: Clock; latencyMs?: number; pump?: SimulatedPump } & WandLinkOptions = {}) {
  const clock = options.clock ?? (() => new Date());
  const pump = options.pump ?? new SimulatedPump(defaultSimulatedPump(clock()), clock);
  const wand = new SimulatedWand(pump);
  const device = new SimulatedUsbDevice(wand, options.latencyMs ?? 0);
  const link = new WandLink(device, { ...options, kind: 'simulator' });
  return { link, device, wand, pump };
}
