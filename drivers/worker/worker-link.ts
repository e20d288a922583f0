import { Worker } from 'node:worker_threads';
import type { BolusWrite, LinkKind, ProgramWrite, PumpEvent, PumpStatus, WandStatus } from '../../core/pump';
import { said } from '../../core/messages';
import { err, type Result } from '../../core/result';
import type { PumpClockSetting, PumpLink } from '../link';
import type { LinkFrame, LinkRequest, LinkResponse, LinkWorkerData } from './messages';
import { NativeGate } from './native-gate';

type Pending = { resolve: (r: LinkResponse) => void; timer: NodeJS.Timeout };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** How long a worker asked to end may take to end itself before the host ends it (when it safely can). */
const RETIRE_GRACE_MS = 3_000;
/** How long the next request or `close()` waits for a worker that is ending (its claim is released then). */
const RETIRE_WAIT_MS = 8_000;
/** Why the requests asked of a worker failed: a named message each (core/message-table.ts). */
type LinkFailure = 'wandReset' | 'wandProcessStopped' | 'wandLinkClosed';
const RESET: LinkFailure = 'wandReset';
const STOPPED: LinkFailure = 'wandProcessStopped';

interface Started {
  worker: Worker;
  gate: NativeGate;
  exited: Promise<number>;
  /** Asked to end: what it says or does from then on belongs to requests already failed. */
  ended: boolean;
}

/**
 * A pump link whose wand lives in a worker thread. A request the worker does not answer in time
 * (a stalled USB stack) fails with a typed error and the worker is replaced; the host's event loop
 * is never blocked.
 *
 * A worker is never ended while a node-usb call is pending in it (that aborts the whole process:
 * K7, docs/testing.md). To end one, it is asked to (`close`): it ends its link — its transfers end
 * by their USB timeouts, the interface is released and the device closed — and exits. A worker
 * that has not exited after `RETIRE_GRACE_MS` (its JavaScript stuck) is ended by the host only
 * once its gate shows no node-usb call in flight and is locked, so that none can start; until
 * then it is left to finish. The next request waits for the ended worker (at most
 * `RETIRE_WAIT_MS`), so that the new one finds the interface released.
 */
export class WorkerLink implements PumpLink {
  readonly kind: LinkKind;
  private current: Started;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private status: WandStatus = { state: 'disconnected', linkQuality: null, pumpSerial: null };
  /** Workers asked to end that have not exited yet. */
  private readonly retiring = new Set<Promise<number>>();

  constructor(
    private readonly file: string,
    private readonly data: LinkWorkerData,
    private readonly timeoutMs = 15_000,
    /** Receives every frame exchanged with the wand in the worker (kept with the programming session). */
    private readonly onFrame?: (direction: 'out' | 'in', bytes: Uint8Array) => void,
  ) {
    this.kind = data.mode === 'usb' ? 'usb' : 'simulator';
    this.current = this.start();
  }

  /** The worker thread in use (the kernel bench watches it). */
  get worker(): Worker {
    return this.current.worker;
  }

  /** False once the worker crashed or exited: the next request starts a new one. */
  private alive = true;
  private closing = false;

  private start(): Started {
    const gate = new NativeGate();
    const worker = new Worker(this.file, {
      workerData: { ...this.data, nativeCalls: gate.cell, ...(this.onFrame === undefined ? {} : { frames: true }) },
    });
    this.alive = true;
    const started: Started = {
      worker,
      gate,
      exited: new Promise<number>((resolve) => worker.once('exit', resolve)),
      ended: false,
    };
    // A worker that stopped fails what it was asked at once and is replaced for the next request.
    const died = () => {
      if (started !== this.current || started.ended) return;
      this.alive = false;
      this.status = { state: 'disconnected', linkQuality: null, pumpSerial: null };
      this.failAll(STOPPED);
    };
    worker.on('exit', () => {
      if (!this.closing) died();
    });
    worker.on('message', (m: LinkResponse | LinkFrame) => {
      // A worker being ended may still answer: what it says belongs to requests already failed.
      if (started !== this.current || started.ended) return;
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
    // An error the worker did not catch ends it; 'exit' follows and reports it.
    worker.on('error', () => undefined);
    worker.unref();
    return started;
  }

  /**
   * Asks a worker to end (see the class comment); resolves when it has exited, or after
   * `RETIRE_WAIT_MS` while it is still finishing (it is ended later, when it safely can).
   */
  private retire(w: Started): Promise<void> {
    w.ended = true;
    w.worker.postMessage({ id: 0, method: 'close' } satisfies LinkRequest);
    const asked = Date.now();
    const poll = setInterval(() => {
      if (Date.now() - asked >= RETIRE_GRACE_MS && w.gate.lockIfIdle()) {
        clearInterval(poll);
        void w.worker.terminate();
      }
    }, 100);
    poll.unref();
    const exited = w.exited.finally(() => {
      clearInterval(poll);
      this.retiring.delete(exited);
    });
    this.retiring.add(exited);
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      exited.then(() => undefined),
      new Promise<void>((r) => {
        timer = setTimeout(r, RETIRE_WAIT_MS);
        timer.unref();
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Waits for the workers being ended (bounded): the new one must find the wand's interface released. */
  private async retired(): Promise<void> {
    if (this.retiring.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.retiring),
      new Promise<void>((r) => {
        timer = setTimeout(r, RETIRE_WAIT_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  private lastFailure: LinkFailure = 'wandLinkClosed';

  private failAll(message: LinkFailure): void {
    this.lastFailure = message;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ id: -1, method: 'status', wand: this.status });
    }
    this.pending.clear();
  }

  private starting: Promise<void> | null = null;

  /** The worker to ask: a new one (once the ended ones have exited) after a crash or a timeout. */
  private async ready(): Promise<Started> {
    while (this.starting !== null) await this.starting;
    if (!this.alive && !this.closing) {
      this.starting = (async () => {
        await this.retired();
        this.current = this.start();
      })().finally(() => (this.starting = null));
      await this.starting;
    }
    return this.current;
  }

  private async request(message: WithoutId<LinkRequest>): Promise<LinkResponse> {
    const w = await this.ready();
    const id = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // The worker is stuck (e.g. a USB stall): everything asked of it fails now, and it is
        // ended (safely: see `retire`) and replaced for the next request.
        this.pending.delete(id);
        this.status = { state: 'disconnected', linkQuality: null, pumpSerial: null };
        this.failAll(RESET);
        if (w === this.current && this.alive) {
          this.alive = false;
          void this.retire(w);
        }
        resolve({ id: -1, method: 'status', wand: this.status });
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      w.worker.postMessage({ ...message, id });
    });
  }

  private failed(): Result<never> {
    return err(said('COMMUNICATION_FAILED', this.lastFailure, {}));
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
      pumpSerial: clock.pumpSerial,
    });
    return r.method === 'setClock' ? r.result : this.failed();
  }

  async readEvents(): Promise<Result<PumpEvent[]>> {
    const r = await this.request({ method: 'readEvents' });
    return r.method === 'readEvents' ? r.result : this.failed();
  }

  async wasApplied(transactionId: string, serial: string): Promise<Result<boolean>> {
    const r = await this.request({ method: 'wasApplied', transactionId, serial });
    return r.method === 'wasApplied' ? r.result : this.failed();
  }

  async alarmTest(): Promise<Result<null>> {
    const r = await this.request({ method: 'alarmTest' });
    return r.method === 'alarmTest' ? r.result : this.failed();
  }

  wandStatus(): WandStatus {
    return { ...this.status };
  }

  /** Ends the worker (safely, see the class comment) and waits for it, bounded. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.failAll('wandLinkClosed');
    if (this.alive) await this.retire(this.current);
    await this.retired();
  }
}
