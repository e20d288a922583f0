import Decimal from 'decimal.js';
import type { SimulatedPump } from './pump';

// What the simulated pump refuses of a delivery it is asked for, beyond the program rules of its
// therapy model (docs/wand-protocol.md, "Boluses" and "Bridge bolus"): answered ERROR 5.

/**
 * Why the pump refuses a bolus or a bridge (undefined when it does not): nothing to deliver, no
 * time to deliver it in, or more than the reservoir holds (after a fill of `fillUl`, when the
 * bridge comes with one).
 */
export function refusesDelivery(
  pump: SimulatedPump,
  volumeUl: number,
  durationMin: number,
  fillUl: number | null,
): string | undefined {
  if (volumeUl <= 0) return 'a bolus of 0 µL';
  if (durationMin <= 0) return 'a bolus over 0 minutes';
  // The reservoir as the pump reports it: what is left, to the µL, rounded down.
  const left = fillUl ?? new Decimal(pump.status().reservoirVolume.value).mul(1000).toNumber();
  if (volumeUl > left) return `a bolus of ${volumeUl} µL, more than the ${left} µL left`;
  return undefined;
}

/** Why the pump refuses a fill (undefined when it does not): more than the reservoir holds. */
export function refusesFill(pump: SimulatedPump, fillUl: number | null): string | undefined {
  if (fillUl === null) return undefined;
  const capacityUl = new Decimal(pump.status().reservoirCapacity.value).mul(1000);
  return capacityUl.lt(fillUl) ? `a fill of ${fillUl} µL, above the ${capacityUl.toString()} µL capacity` : undefined;
}
