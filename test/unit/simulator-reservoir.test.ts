// The simulated pump reports its reservoir to the µL, rounded down (docs/wand-protocol.md, "volume"),
// read through the real driver, protocol and simulated wand.
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { dec } from '../../core/decimal';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { trainingLink } from '../../drivers/simulator/training';
import { manualClock } from './helpers';

/** A pump filled with `volumeMl` (20 mL) now, running 0.3 mL/day, behind the real driver. */
function filledPump(volumeMl = '20') {
  const clock = manualClock();
  const base = defaultSimulatedPump(clock.now());
  const pump = new SimulatedPump({ ...base, volumeMl, volumeAt: clock.now() }, clock.now);
  const { link } = trainingLink({ clock: clock.now, pump });
  return { clock, link };
}

/** What 20 mL at 0.3 mL/day leaves after `minutes`, exactly, then to the µL rounded down. */
const leftAfter = (minutes: number) =>
  dec('20').minus(dec('0.3').mul(minutes).div(1440)).toDecimalPlaces(3, Decimal.ROUND_DOWN);

const reservoirRead = async (link: ReturnType<typeof filledPump>['link']) => {
  const read = await link.interrogate();
  if (!read.ok) throw new Error(read.error.message);
  return read.value.reservoirVolume;
};

describe('the simulated reservoir read through the driver', () => {
  it('is the exact volume left to the µL, rounded down, never overstated', async () => {
    const { clock, link } = filledPump();
    try {
      expect(await reservoirRead(link)).toEqual({ value: '20.0', unit: 'mL' });
      // 7 h 13 min at 0.3 mL/day: 0.09020833… mL delivered, 19.90979166… mL left. To 0.1 mL that
      // reads 19.9; rounded half up to the µL 19.910, more than is there.
      clock.advanceMinutes(7 * 60 + 13);
      expect(leftAfter(433).toString()).toBe('19.909');
      expect(await reservoirRead(link)).toEqual({ value: '19.909', unit: 'mL' });
      // 3 days 5 h more (5 053 min in all): 1.05270833… mL delivered, 18.94729166… mL left.
      clock.advanceMinutes(3 * 1440 + 5 * 60);
      expect(await reservoirRead(link)).toEqual({ value: leftAfter(433 + 4620).toString(), unit: 'mL' });
      expect(leftAfter(433 + 4620).toString()).toBe('18.947');
      // Ten whole days: 3 mL exactly, read as the host writes a whole number of mL.
      clock.advanceMinutes(10 * 1440 - 433 - 4620);
      expect(await reservoirRead(link)).toEqual({ value: '17.0', unit: 'mL' });
    } finally {
      await link.close();
    }
  });

  it('raises its alarms on the µL reading: low at the 2 mL alarm volume, empty only when nothing is left', async () => {
    const alarmsOf = async (link: ReturnType<typeof filledPump>['link']) => {
      const read = await link.interrogate();
      if (!read.ok) throw new Error(read.error.message);
      return { reservoir: read.value.reservoirVolume.value, alarms: read.value.alarms.map((a) => a.code) };
    };
    const low = filledPump('2.05');
    try {
      // Above the alarm volume (a 0.1 mL reading would say 2.0 and alarm already).
      expect(await alarmsOf(low.link)).toEqual({ reservoir: '2.05', alarms: [] });
      low.clock.advanceMinutes(235); // 0.04895833… mL delivered: 2.00104166… left
      expect(await alarmsOf(low.link)).toEqual({ reservoir: '2.001', alarms: [] });
      low.clock.advanceMinutes(4); // 0.04979166… mL delivered: 2.00020833… left
      expect(await alarmsOf(low.link)).toEqual({ reservoir: '2.0', alarms: ['LOW_RESERVOIR'] });
    } finally {
      await low.link.close();
    }
    const empty = filledPump('0.05');
    try {
      // 50 µL left is low, not empty (a 0.1 mL reading would say 0.0, empty).
      expect(await alarmsOf(empty.link)).toEqual({ reservoir: '0.05', alarms: ['LOW_RESERVOIR'] });
      empty.clock.advanceMinutes(239); // 0.04979166… mL delivered: 0.00020833… left, under 1 µL
      expect(await alarmsOf(empty.link)).toEqual({ reservoir: '0.0', alarms: ['EMPTY_RESERVOIR'] });
    } finally {
      await empty.link.close();
    }
  });
});
