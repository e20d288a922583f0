import type { BolusWrite, LinkKind, ProgramWrite, PumpEvent, PumpStatus, WandStatus } from '../core/pump';
import type { Result } from '../core/result';

/**
 * What SET_CLOCK gives the pump: its UTC clock, and the clinic's UTC offset now (whole minutes,
 * −720…+840, from the site's time zone), by which the pump runs flex step times (clinic local time).
 */
export interface PumpClockSetting {
  time: Date;
  utcOffsetMinutes: number;
  /** The pump the clock is meant for: the link sends nothing to another. */
  pumpSerial?: string | undefined;
}

/**
 * What the services need from a connection to a pump, whatever carries it: the simulator in
 * training mode, or a programmer wand on USB.
 */
export interface PumpLink {
  readonly kind: LinkKind;
  interrogate(signal?: AbortSignal): Promise<Result<PumpStatus>>;
  /**
   * Sends one atomic program write and waits for the pump's acknowledgement. A failure means the
   * outcome is unknown unless the error says the pump refused it: the caller reads back.
   */
  program(write: ProgramWrite): Promise<Result<{ applied: boolean }>>;
  /** Single, priming or bridge bolus, where the link supports it. */
  startBolus?(write: BolusWrite): Promise<Result<{ applied: boolean }>>;
  /**
   * Whether the pump applied a transaction still in its replay window (its last 64 transactions),
   * asked without changing anything; refused when the wand finds another pump than `serial`.
   */
  wasApplied?(transactionId: string, serial: string): Promise<Result<boolean>>;
  /** Sets the pump's clock and the clinic's UTC offset its flex schedule runs by. */
  setClock?(clock: PumpClockSetting): Promise<Result<null>>;
  /** The pump plays its alarm tones so the patient learns them. */
  alarmTest?(): Promise<Result<null>>;
  /** The pump's own event log, oldest first. */
  readEvents?(): Promise<Result<PumpEvent[]>>;
  /** The wand's state as of the last exchange (no telemetry is sent to answer it). */
  wandStatus(): WandStatus;
  close(): Promise<void>;
}
