import type { PumpLink } from '../../drivers/link';
import type { ProgramWrite, PumpStatus, WandStatus } from '../../core/pump';
import { appError, err, ok, type Result } from '../../core/result';
import { SimulatedPump, defaultSimulatedPump, type Clock } from '../../drivers/simulator/pump';

export interface SimulatorLinkOptions {
  clock?: Clock;
  /** Telemetry latency of one interrogation, in milliseconds. */
  latencyMs?: number;
  pump?: SimulatedPump;
}

/**
 * A test double: the simulated pump behind the link interface directly, without the wand codec
 * (training mode uses the simulated wand and the real codec), with faults injected for a program write.
 */
export class SimulatorLink implements PumpLink {
  readonly kind = 'simulator' as const;
  private readonly simulated: SimulatedPump;
  private readonly latencyMs: number;
  private closed = false;
  /** Fault injection: while set, the wand behaves as if unplugged. */
  unplugged = false;
  /**
   * Fault injection for a program write: the wand is unplugged before the write reaches the pump,
   * or the pump applies the write and its acknowledgement is lost.
   */
  writeFault: 'none' | 'unplug-before-write' | 'ack-lost' = 'none';

  constructor(options: SimulatorLinkOptions = {}) {
    const clock = options.clock ?? (() => new Date());
    this.simulated = options.pump ?? new SimulatedPump(defaultSimulatedPump(clock()), clock);
    this.latencyMs = options.latencyMs ?? 0;
  }

  async interrogate(signal?: AbortSignal): Promise<Result<PumpStatus>> {
    if (this.closed || this.unplugged) {
      return err(appError('COMMUNICATION_FAILED', 'The wand is not connected. Plug it in and try again.'));
    }
    if (this.latencyMs > 0) {
      const aborted = await delay(this.latencyMs, signal);
      if (aborted) return err(appError('COMMUNICATION_FAILED', 'Interrogation cancelled.'));
    }
    return ok(this.simulated.status());
  }

  wandStatus(): WandStatus {
    return this.closed || this.unplugged
      ? { state: 'disconnected', linkQuality: null, pumpSerial: null }
      : { state: 'pump-found', linkQuality: 100, pumpSerial: this.simulated.serial };
  }

  get pump(): SimulatedPump {
    return this.simulated;
  }

  async program(write: ProgramWrite): Promise<Result<{ applied: boolean }>> {
    if (this.closed || this.unplugged)
      return err(appError('COMMUNICATION_FAILED', 'The wand is not connected. Plug it in and try again.'));
    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (this.writeFault === 'unplug-before-write') {
      this.unplugged = true;
      return err(appError('COMMUNICATION_FAILED', 'The wand was unplugged during programming.'));
    }
    const runnable = this.simulated.check(write.settings);
    if (!runnable.ok)
      return err(appError('COMMUNICATION_FAILED', `The pump refused the program: ${runnable.error.message}`));
    const applied = this.simulated.apply(write.transactionId, write.settings, write.reservoirVolumeMl, write.bridge);
    if (this.writeFault === 'ack-lost') {
      this.unplugged = true;
      return err(appError('COMMUNICATION_FAILED', 'No acknowledgement from the pump: the outcome is unknown.'));
    }
    return ok({ applied });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const delay = (ms: number, signal?: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
