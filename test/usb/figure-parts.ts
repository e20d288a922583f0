// The measuring parts of the kernel bench's figures (figures.ts): medians, transfers grouped into
// exchanges, the host's own time between transfers, and the driver's computation without USB.
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedUsbDevice } from '../../drivers/simulator/usb-device';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { WandLink } from '../../drivers/wand-link';

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

/** Groups completed transfers into exchanges: [OUT packets, IN packets]. */
export function exchangesOf(transfers: Array<'o' | 'i'>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const t of transfers) {
    const last = out.at(-1);
    if (t === 'o' && (last === undefined || last[1] > 0)) out.push([1, 0]);
    else if (t === 'o' && last !== undefined) last[0]++;
    else if (last !== undefined) last[1]++;
  }
  return out;
}

/** The time within [t0, t1] during which no transfer was in flight: the host's own time. */
export function hostTime(spans: Array<[number, number]>, t0: number, t1: number): number {
  const sorted = [...spans].sort((x, y) => x[0] - y[0]);
  let busy = 0;
  let end = t0;
  for (const [a, b] of sorted) {
    const from = Math.max(a, end);
    const to = Math.min(b, t1);
    if (to > from) busy += to - from;
    end = Math.max(end, b);
  }
  return t1 - t0 - busy;
}

/** The simulated wand, timing its own work. */
export class TimedWand extends SimulatedWand {
  busyMs = 0;
  override handle(bytes: Uint8Array): Uint8Array {
    const t0 = performance.now();
    try {
      return super.handle(bytes);
    } finally {
      this.busyMs += performance.now() - t0;
    }
  }
}

/**
 * The driver's own computation per operation in this guest: the same operation through WandLink
 * on the in-memory device (answers at once, no USB), less the simulated wand's time. Measured
 * twice: first after two runs ("cold": the engine still runs most of the driver's code unoptimised,
 * as in the first minutes of a clinic session), then after `warmups` more runs, when the engine has
 * optimised the code that runs every time ("warm"). The USB runs that follow are warm on both sides.
 */
export async function driverCompute(
  op: (link: WandLink) => Promise<void>,
  runs: number,
  warmups: number,
): Promise<{ coldMs: number; warmMs: number }> {
  const wand = new TimedWand(new SimulatedPump(defaultSimulatedPump(new Date())));
  const link = new WandLink(new SimulatedUsbDevice(wand), { kind: 'usb' });
  const measure = async () => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      wand.busyMs = 0;
      const t0 = performance.now();
      await op(link);
      times.push(performance.now() - t0 - wand.busyMs);
    }
    return median(times);
  };
  for (let i = 0; i < 2; i++) await op(link);
  const coldMs = await measure();
  for (let i = 0; i < warmups; i++) await op(link);
  return { coldMs, warmMs: await measure() };
}
