import { Worker } from 'node:worker_threads';
import type { BolusWrite, LinkKind, ProgramWrite, PumpEvent, PumpStatus, WandStatus } from '../../core/pump';
import { appError, err, type Result } from '../../core/result';
import type { PumpClockSetting, PumpLink } from '../link';
import type { LinkFrame, LinkRequest, LinkResponse, LinkWorkerData } from './messages';

type Pending = { resolve: (r: LinkResponse) => void; timer: NodeJS.Timeout };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * A pump link whose wand lives in a worker thread. A request the worker does not answer in time
 * (a stalled USB stack) fails with a typed error and the worker is replaced; the host's event loop
 * is never blocked.
 */
export class WorkerLink implements PumpLink {
  readonly kind: LinkKind;
  private worker: Worker;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private status: WandStatus = { state: 'disconnected', linkQuality: null, pumpSerial: null };

  constructor(
    private readonly file: string,
    private readonly data: LinkWorkerData,
    private readonly timeoutMs = 15_000,
    /** Receives every frame exchanged with the wand in the worker (kept with the programming session). */
    private readonly onFrame?: (direction: 'out' | 'in', bytes: Uint8Array) => void,
  ) {
    this.kind = data.mode === 'usb' ? 'usb' : 'simulator';
    this.worker = this.start();
  }

  /** False once the worker crashed or exited: the next request starts a new one at once. */
  private alive = true;
  private closing = false;

  private start(): Worker {
    const worker = new Worker(this.file, {
      workerData: this.onFrame === undefined ? this.data : { ...this.data, frames: true },
    });
    this.alive = true;
    // A crashed worker fails what it was asked at once and is replaced for the next request.
    const died = (message: string) => {
      if (worker !== this.worker) return;
      this.alive = false;
      this.status = { state: 'disconnected', linkQuality: null, pumpSerial: null };
      this.failAll(message);
    };
    worker.on('exit', () => {
      if (!this.closing)
        died(
          'The wand process stopped; it is restarted for the next request. Try again; if a program was being sent, interrogate the pump to confirm what it applied.',
        );
    });
    worker.on('message', (m: LinkResponse | LinkFrame) => {
      if (m.method === 'frame') {
        this.onFrame?.(m.direction, m.bytes);
        return;
      }
      this.status = m.wand;
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      clearTimeout(p.timer);
      this.pending.delete(m.id);
      p.resolve(m);
    });
    worker.on('error', () =>
      died(
        'The wand process stopped with an error; it is restarted for the next request. Try again; if a program was being sent, interrogate the pump to confirm what it applied.',
      ),
    );
    worker.unref();
    return worker;
  }

  private lastFailure = '';

  private failAll(message: string): void {
    this.lastFailure = message;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ id: -1, method: 'status', wand: this.status });
    }
    this.pending.clear();
  }

  private request(message: WithoutId<LinkRequest>): Promise<LinkResponse> {
    const id = this.next++;
    if (!this.alive && !this.closing) this.worker = this.start();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // The worker is stuck (e.g. a USB stall): replace it rather than wait on it.
        void this.worker.terminate();
        this.worker = this.start();
        this.status = { state: 'disconnected', linkQuality: null, pumpSerial: null };
        this.lastFailure =
          'The wand did not answer in time and was reset. Check the wand connection and try again; if a program was being sent, interrogate the pump to confirm what it applied.';
        resolve({ id: -1, method: 'status', wand: this.status });
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.worker.postMessage({ ...message, id });
    });
  }

  private failed(): Result<never> {
    return err(appError('COMMUNICATION_FAILED', this.lastFailure));
  }

  async interrogate(): Promise<Result<PumpStatus>> {
    const r = await this.request({ method: 'interrogate' });
    return r.method === 'interrogate' ? r.result : this.failed();
  }

  async program(write: ProgramWrite): Promise<Result<{ applied: boolean }>> {
    const r = await this.request({ method: 'program', write });
    return r.method === 'program' ? r.result : this.failed();
  }

  async startBolus(write: BolusWrite): Promise<Result<{ applied: boolean }>> {
    const r = await this.request({ method: 'startBolus', write });
    return r.method === 'startBolus' ? r.result : this.failed();
  }

  async setClock(clock: PumpClockSetting): Promise<Result<null>> {
    const r = await this.request({
      method: 'setClock',
      time: clock.time.toISOString(),
      utcOffsetMinutes: clock.utcOffsetMinutes,
    });
    return r.method === 'setClock' ? r.result : this.failed();
  }

  async readEvents(): Promise<Result<PumpEvent[]>> {
    const r = await this.request({ method: 'readEvents' });
    return r.method === 'readEvents' ? r.result : this.failed();
  }

  async alarmTest(): Promise<Result<null>> {
    const r = await this.request({ method: 'alarmTest' });
    return r.method === 'alarmTest' ? r.result : this.failed();
  }

  wandStatus(): WandStatus {
    return { ...this.status };
  }

  async close(): Promise<void> {
    if (!this.alive) {
      this.closing = true;
      return;
    }
    this.closing = true;
    await Promise.race([this.request({ method: 'close' }), new Promise((r) => setTimeout(r, 1000))]);
    await this.worker.terminate();
  }
}
