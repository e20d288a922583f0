import type { LinkInfo } from '../core/api/contract';
import type { TrainingPumpState } from '../drivers/simulator/presets';
import type { PumpLink } from '../drivers/link';
import { trainingLink, type TrainingScenario } from '../drivers/simulator/training';
import type { Clock } from '../drivers/simulator/pump';
import { findWand, type UsbDeviceSource } from '../drivers/usb/detect';
import type { UsbDeviceLike } from '../drivers/usb/types';
import { WandLink } from '../drivers/wand-link';
import { WorkerLink } from '../drivers/worker/worker-link';

export interface TrainingOptions {
  clock?: Clock;
  /** Receives every frame exchanged (kept with the programming session). */
  onFrame?: (direction: 'out' | 'in', bytes: Uint8Array) => void;
  /** Telemetry latency per frame exchange of the simulated wand, in milliseconds. */
  latencyMs?: number;
  /** A training-room situation to rehearse (training mode only). */
  scenario?: TrainingScenario | undefined;
  /** The state the training pump starts in: a preset or a trainer's file (training mode only). */
  pumpState?: TrainingPumpState | undefined;
}

export interface LinkChoice {
  link: PumpLink;
  info: LinkInfo;
}

/**
 * Chooses what the app talks to: the attached wand, or training mode (the simulated pump) when
 * the simulator was asked for or no wand is attached, with the reason so the UI can say why.
 * Hosts with a UI pass `workerFile`: the wand then runs in a worker thread, off their event loop.
 */
export async function selectLink(options: {
  simulator?: boolean;
  usb?: UsbDeviceSource | undefined;
  simulatorOptions?: TrainingOptions;
  workerFile?: string | undefined;
  /** Receives every frame exchanged with the wand or the training simulator, in this thread or the worker. */
  onFrame?: ((direction: 'out' | 'in', bytes: Uint8Array) => void) | undefined;
}): Promise<LinkChoice> {
  const onFrame = options.onFrame ?? options.simulatorOptions?.onFrame;
  const frames = onFrame === undefined ? {} : { onFrame };
  // Training mode runs the real wand driver and protocol against the simulated wand and pump.
  const training = (reason: NonNullable<LinkInfo['reason']>): LinkChoice => ({
    link:
      options.workerFile === undefined
        ? trainingLink({ ...options.simulatorOptions, ...frames }).link
        : new WorkerLink(
            options.workerFile,
            {
              mode: 'training',
              ...(options.simulatorOptions?.latencyMs === undefined
                ? {}
                : { latencyMs: options.simulatorOptions.latencyMs }),
              ...(options.simulatorOptions?.scenario === undefined
                ? {}
                : { scenario: options.simulatorOptions.scenario }),
              ...(options.simulatorOptions?.pumpState === undefined
                ? {}
                : { pumpState: options.simulatorOptions.pumpState }),
            },
            undefined,
            onFrame,
          ),
    info: { kind: 'simulator', training: true, reason },
  });
  if (options.simulator === true) return training('SIMULATOR_REQUESTED');
  if (options.usb === undefined) return training('NO_USB_SUBSYSTEM');
  const found = await findWand(options.usb);
  switch (found.presence) {
    case 'no-usb-subsystem':
      return training('NO_USB_SUBSYSTEM');
    case 'absent':
      return training('NO_WAND_ATTACHED');
    case 'attached':
      return {
        // node-usb's devices implement the W3C USBDevice interface the transport uses.
        link:
          options.workerFile === undefined
            ? new WandLink(found.device as unknown as UsbDeviceLike, { kind: 'usb', ...frames })
            : new WorkerLink(options.workerFile, { mode: 'usb' }, undefined, onFrame),
        info: { kind: 'usb', training: false },
      };
    default: {
      const never: never = found;
      throw new Error(`unhandled wand search ${String(never)}`);
    }
  }
}
