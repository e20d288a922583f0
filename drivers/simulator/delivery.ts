import Decimal from 'decimal.js';
import { minutesOf } from '../../core/calc/flex';
import type { PumpSettings } from '../../core/pump';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

/** A bolus running from `start` to `end`, delivering `volumeMl` evenly over that time. */
export interface RunningBolus {
  start: number;
  end: number;
  volumeMl: string;
  kind: 'single' | 'priming' | 'bridge' | 'patient';
}

/**
 * The basal rate (mL/day) in force at an instant of the pump's local time (its UTC clock plus its
 * UTC offset): flex steps start by the local minute of the day.
 */
export function basalRate(settings: PumpSettings, pumpTimeMs: number): Decimal {
  if (settings.mode === 'stopped') return new Decimal(0);
  if (settings.mode === 'continuous' || settings.steps === undefined || settings.steps.length === 0)
    return new Decimal(settings.rate.value);
  const minute = Math.floor((((pumpTimeMs % DAY_MS) + DAY_MS) % DAY_MS) / MIN_MS);
  let rate = settings.steps[0]?.rate.value ?? '0';
  for (const step of settings.steps) if ((minutesOf(step.start) ?? 0) <= minute) rate = step.rate.value;
  return new Decimal(rate);
}

/** The instants (pump local time) in [from, to) where a flex schedule changes rate. */
function boundaries(settings: PumpSettings, from: number, to: number): number[] {
  if (settings.mode !== 'flex' || settings.steps === undefined) return [];
  const out: number[] = [];
  const starts = settings.steps.map((s) => (minutesOf(s.start) ?? 0) * MIN_MS);
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
    for (const s of starts) if (day + s > from && day + s < to) out.push(day + s);
  }
  return out.sort((a, b) => a - b);
}

/** The basal program's volume between two instants of local time, piece by piece across flex step changes. */
function basalBetween(settings: PumpSettings, from: number, to: number): Decimal {
  let total = new Decimal(0);
  if (to <= from) return total;
  let at = from;
  for (const edge of [...boundaries(settings, from, to), to]) {
    total = total.plus(
      basalRate(settings, at)
        .mul(edge - at)
        .div(DAY_MS),
    );
    at = edge;
  }
  return total;
}

/**
 * Volume delivered between two instants (pump clock, UTC ms) by the basal program, piece by piece
 * across flex step changes, plus the part of every bolus that falls in the interval. The flex
 * schedule runs by the pump's local time: the clock plus `localOffsetMs` (its UTC offset). Exact
 * decimal arithmetic; a stalled motor delivers nothing.
 */
export function deliveredBetween(
  settings: PumpSettings,
  boluses: readonly RunningBolus[],
  from: number,
  to: number,
  localOffsetMs = 0,
): Decimal {
  if (to <= from) return new Decimal(0);
  let total = basalBetween(settings, from + localOffsetMs, to + localOffsetMs);
  // A bridge bolus runs in place of the basal program: no basal while it lasts.
  for (const b of boluses) {
    if (b.kind === 'bridge')
      total = total.minus(
        basalBetween(settings, Math.max(from, b.start) + localOffsetMs, Math.min(to, b.end) + localOffsetMs),
      );
  }
  for (const b of boluses) {
    const overlap = Math.min(to, b.end) - Math.max(from, b.start);
    if (overlap > 0) total = total.plus(new Decimal(b.volumeMl).mul(overlap).div(b.end - b.start));
  }
  return total;
}

/** The boluses still running at `pumpNow`, each with only what it has left to deliver from then on. */
export function bolusesLeft(boluses: readonly RunningBolus[], pumpNow: number): RunningBolus[] {
  return boluses
    .filter((b) => b.end > pumpNow)
    .map((b) =>
      b.start < pumpNow
        ? {
            ...b,
            volumeMl: new Decimal(b.volumeMl)
              .mul(b.end - pumpNow)
              .div(b.end - b.start)
              .toString(),
            start: pumpNow,
          }
        : b,
    );
}
