// The device side, as the host side of the bench sees it: the bridge process (device-bridge.ts)
// that serves the simulated wand through FunctionFS, and its reports.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { BridgeCommand, BridgeReport } from './bridge-messages';
import { emit, APP, Failed } from './bench-support';

export class Bridge {
  readonly reports: Array<BridgeReport & { seen: number }> = [];
  private readonly child: ChildProcess;
  private listeners: Array<() => void> = [];

  constructor() {
    this.child = fork(join(APP, 'device-bridge.cjs'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, UV_THREADPOOL_SIZE: '16' },
    });
    this.child.on('message', (m: BridgeReport) => {
      this.reports.push({ ...m, seen: Date.now() });
      if (m.ev === 'error') emit('INFO', { bridge: m.message });
      for (const l of this.listeners.splice(0)) l();
    });
  }

  send(command: BridgeCommand): void {
    this.child.send(command);
  }

  /** The first report from `from` on that matches. */
  async waitFor<E extends BridgeReport['ev']>(
    ev: E,
    from: number,
    timeoutMs = 5000,
    match: (r: Extract<BridgeReport, { ev: E }>) => boolean = () => true,
  ): Promise<Extract<BridgeReport, { ev: E }> & { seen: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.reports
        .slice(from)
        .find((r) => r.ev === ev && match(r as unknown as Extract<BridgeReport, { ev: E }>));
      if (found !== undefined) return found as unknown as Extract<BridgeReport, { ev: E }> & { seen: number };
      const left = deadline - Date.now();
      if (left <= 0) throw new Failed(`the device side did not report ${ev} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.listeners.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async pump(): Promise<Extract<BridgeReport, { ev: 'pump' }>> {
    const from = this.reports.length;
    this.send({ cmd: 'pump' });
    return this.waitFor('pump', from);
  }

  async stats(): Promise<{ packets: number; busyMs: number; answerMs: number }> {
    const from = this.reports.length;
    this.send({ cmd: 'stats' });
    return this.waitFor('stats', from);
  }

  /**
   * Faults for the requests `offset` from now (each command's own offset), in place on the device
   * side before this returns: the next request meets them, however loaded the machine.
   */
  async inject(...faults: Array<Extract<BridgeCommand, { cmd: 'inject' }>>): Promise<void> {
    const from = this.reports.length;
    for (const f of faults) this.send(f);
    let at = from;
    for (let i = 0; i < faults.length; i++) at = this.reports.indexOf(await this.waitFor('injected', at)) + 1;
  }

  /** A fault for the request carrying `message`, in place on the device side before this returns. */
  async arm(message: string, fault: Extract<BridgeCommand, { cmd: 'arm' }>['fault']): Promise<void> {
    const from = this.reports.length;
    this.send({ cmd: 'arm', message, fault });
    await this.waitFor('armed', from);
  }

  async mode(mode: 'wand' | 'echo'): Promise<void> {
    const from = this.reports.length;
    this.send({ cmd: 'mode', mode });
    await this.waitFor('mode', from);
  }

  /** The pump leaves the wand's range (false) or comes back (true). */
  async pumpInRange(inRange: boolean): Promise<void> {
    const from = this.reports.length;
    this.send({ cmd: 'range', inRange });
    await this.waitFor('range', from);
  }

  /** The pump logs `count` alarm tests (to fill its event log without the wire). */
  async logEvents(count: number): Promise<void> {
    const from = this.reports.length;
    this.send({ cmd: 'log', count });
    await this.waitFor('logged', from);
  }

  /** The pump loses its clock (until a SET_CLOCK gives it back). */
  async loseClock(): Promise<void> {
    const from = this.reports.length;
    this.send({ cmd: 'lose-clock' });
    await this.waitFor('clock-lost', from);
  }

  stop(): void {
    this.child.kill();
  }
}
