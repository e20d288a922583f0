import type { LinkInfo } from '../core/api/contract';
import type { PumpLink } from '../drivers/link';
import { trainingLink } from '../drivers/simulator/training';
import type { Clock } from '../drivers/simulator/pump';
import { detectWand, type UsbDeviceSource } from '../drivers/usb/detect';

export interface TrainingOptions {
  clock?: Clock;
  /** Receives every frame exchanged (kept with the programming session). */
  onFrame?: (direction: 'out' | 'in', bytes: Uint8Array) => void;
  /** Telemetry latency per frame exchange of the simulated wand, in milliseconds. */
  latencyMs?: number;
}

export interface LinkChoice {
  link: PumpLink;
  info: LinkInfo;
}

/**
 * Chooses what the app talks to. Training mode (the simulated pump) whenever the simulator was
 * asked for or no usable wand is attached; the reason is kept so the UI can say why.
 */
export async function selectLink(options: {
  simulator?: boolean;
  usb?: UsbDeviceSource | undefined;
  simulatorOptions?: TrainingOptions;
}): Promise<LinkChoice> {
  // Training mode runs the real wand driver and protocol against the simulated wand and pump.
  const training = (reason: NonNullable<LinkInfo['reason']>): LinkChoice => ({
    link: trainingLink(options.simulatorOptions).link,
    info: { kind: 'simulator', training: true, reason },
  });
  if (options.simulator === true) return training('SIMULATOR_REQUESTED');
  if (options.usb === undefined) return training('NO_USB_SUBSYSTEM');
  const presence = await detectWand(options.usb);
  switch (presence) {
    case 'no-usb-subsystem':
      return training('NO_USB_SUBSYSTEM');
    case 'absent':
      return training('NO_WAND_ATTACHED');
    case 'attached':
      // A wand is present but its protocol driver is not part of this release yet: stay in
      // training mode and say so, rather than talk to hardware with an unfinished driver.
      return training('WAND_DRIVER_PENDING');
    default: {
      const never: never = presence;
      throw new Error(`unhandled wand presence ${String(never)}`);
    }
  }
}
