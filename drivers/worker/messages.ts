import type { TrainingScenario } from '../simulator/training';
import type { TrainingPumpState } from '../simulator/presets';
import type { BolusWrite, ProgramWrite, PumpEvent, PumpStatus, WandStatus } from '../../core/pump';
import type { Result } from '../../core/result';

/** What the link worker is started with. */
export interface LinkWorkerData {
  mode: 'training' | 'usb';
  /** Simulated telemetry latency per frame (training). */
  latencyMs?: number;
  /** A training-room situation to rehearse on the simulated pump. */
  scenario?: TrainingScenario;
  /** The state the training pump starts in (a preset or a trainer's file). */
  pumpState?: TrainingPumpState;
  /** Test hook: the worker stops answering for this long before each request (a USB stall). */
  stallMs?: number;
  /** Post every frame exchanged with the wand to the host (kept with the programming session). */
  frames?: boolean;
  /**
   * The worker's node-usb calls in flight, shared with the host (a `NativeGate`'s cell, over a
   * SharedArrayBuffer): the host ends the thread only after locking it at 0.
   */
  nativeCalls?: Int32Array;
  /** Test hook: a module to take `WebUSB` from instead of node-usb (its file path). */
  usbModule?: string;
}

export type LinkRequest =
  | { id: number; method: 'interrogate' }
  | { id: number; method: 'program'; write: ProgramWrite }
  | { id: number; method: 'startBolus'; write: BolusWrite }
  | { id: number; method: 'setClock'; time: string; utcOffsetMinutes: number; pumpSerial?: string | undefined }
  | { id: number; method: 'alarmTest' }
  | { id: number; method: 'wasApplied'; transactionId: string; serial: string }
  | { id: number; method: 'readEvents' }
  | { id: number; method: 'close' };

export type LinkResponse =
  | { id: number; method: 'interrogate'; result: Result<PumpStatus>; wand: WandStatus }
  | { id: number; method: 'program' | 'startBolus'; result: Result<{ applied: boolean }>; wand: WandStatus }
  | { id: number; method: 'setClock' | 'alarmTest'; result: Result<null>; wand: WandStatus }
  | { id: number; method: 'wasApplied'; result: Result<boolean>; wand: WandStatus }
  | { id: number; method: 'readEvents'; result: Result<PumpEvent[]>; wand: WandStatus }
  | { id: number; method: 'close'; wand: WandStatus }
  | { id: -1; method: 'status'; wand: WandStatus };

/** A frame exchanged with the wand (with `frames: true`), posted before the answer of the request it belongs to. */
export interface LinkFrame {
  id: -1;
  method: 'frame';
  direction: 'out' | 'in';
  bytes: Uint8Array;
}
