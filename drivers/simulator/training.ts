import { SimulatedPump, defaultSimulatedPump, type Clock } from './pump';
import { trainingPumpState, type TrainingPumpState } from './presets';
import { SimulatedUsbDevice } from './usb-device';
import { SimulatedWand } from './wand';
import { WandLink, type WandLinkOptions } from '../wand-link';

/**
 * The training setup: the real wand driver and protocol, over an in-memory USB device that the
 * simulated wand and pump answer. Everything but the USB kernel device is the production path.
 */
/**
 * Situations a training room rehearses on the simulated pump. `unplug-during-programming`: the
 * wand comes off the USB port just after the pump committed the first program write, before its
 * acknowledgement, and is plugged back in two seconds later: the outcome is UNCONFIRMED until the
 * pump is interrogated again. `unplug-during-bolus`: the same, just after the pump started the first
 * clinician bolus.
 */
export const trainingScenarios = ['unplug-during-programming', 'unplug-during-bolus'] as const;
export type TrainingScenario = (typeof trainingScenarios)[number];
export const REPLUG_AFTER_MS = 2000;

export function trainingLink(
  options: {
    clock?: Clock;
    latencyMs?: number;
    pump?: SimulatedPump;
    scenario?: TrainingScenario | undefined;
    pumpState?: TrainingPumpState | undefined;
  } & WandLinkOptions = {},
) {
  const clock = options.clock ?? (() => new Date());
  const pump =
    options.pump ??
    new SimulatedPump(
      options.pumpState === undefined ? defaultSimulatedPump(clock()) : trainingPumpState(options.pumpState, clock()),
      clock,
    );
  const wand = new SimulatedWand(pump);
  const device = new SimulatedUsbDevice(wand, options.latencyMs ?? 0);
  const link = new WandLink(device, { ...options, kind: 'simulator' });
  if (options.scenario !== undefined) {
    device.armOnMessage(options.scenario === 'unplug-during-bolus' ? 'START_BOLUS' : 'COMMIT', {
      kind: 'unplug-after-request',
    });
    device.onUnplug = () => setTimeout(() => device.replug(), REPLUG_AFTER_MS).unref();
  }
  return { link, device, wand, pump };
}
