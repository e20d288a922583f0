// An alarm's `since` (docs/wand-protocol.md, STATUS): the pump-clock time the alarm was raised,
// kept until it clears; 0 (no clock) when raised while the pump had no clock, and kept 0 after
// SET_CLOCK until it clears — never restamped with the time of the STATUS.
import { describe, expect, it } from 'vitest';
import { toWireStatus } from '../../drivers/protocol/convert';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { manualClock } from './helpers';

/** Morphine 0.3 mL/day, 2.1 mL left, the low-reservoir alarm at 2 mL: raised within the first day. */
function lowPump() {
  const clock = manualClock(new Date('2026-03-01T08:00:00Z'));
  const pump = new SimulatedPump(
    {
      ...defaultSimulatedPump(clock.now()),
      volumeMl: '2.1',
      lowReservoirAlarmMl: '2',
      volumeAt: clock.now(),
      clockOffsetMs: 0,
    },
    clock.now,
  );
  return { clock, pump };
}

const sinceOf = (pump: SimulatedPump, code: string) => pump.status().alarms.find((a) => a.code === code)?.since;

describe('alarm since: when the alarm was raised', () => {
  it('a low reservoir keeps the time it was raised at, at every later STATUS', () => {
    const { clock, pump } = lowPump();
    expect(pump.status().alarms).toEqual([]);
    clock.advanceDays(1); // 1.8 mL left
    expect(sinceOf(pump, 'LOW_RESERVOIR')).toBe('2026-03-02T08:00:00.000Z');
    clock.advanceMinutes(180);
    expect(sinceOf(pump, 'LOW_RESERVOIR')).toBe('2026-03-02T08:00:00.000Z');
    const wire = toWireStatus(pump.status(), pump.settings);
    if (!wire.ok) throw new Error(wire.error.message);
    // On the wire: 2026-03-02T08:00:00Z in seconds since 2000, not the STATUS time three hours later.
    expect(wire.value.alarms).toEqual([{ code: 0, since: (Date.UTC(2026, 2, 2, 8) - Date.UTC(2000, 0, 1)) / 1000 }]);
    expect(wire.value.pumpTime - (wire.value.alarms[0]?.since ?? 0)).toBe(3 * 3600);
  });

  it('a motor stall is stamped when it stalled, whenever the status is read', () => {
    const { clock, pump } = lowPump();
    pump.stallMotor();
    clock.advanceMinutes(45);
    expect(sinceOf(pump, 'MOTOR_STALL')).toBe('2026-03-01T08:00:00.000Z');
  });

  it('an alarm that clears and is raised again gets the new time', () => {
    const { clock, pump } = lowPump();
    clock.advanceDays(1);
    expect(sinceOf(pump, 'LOW_RESERVOIR')).toBe('2026-03-02T08:00:00.000Z');
    pump.apply('11111111-2222-3333-4444-555555555555', pump.settings, '20'); // refilled: clears
    expect(pump.status().alarms).toEqual([]);
    pump.apply('11111111-2222-3333-4444-666666666666', pump.settings, '1.5');
    clock.advanceMinutes(60);
    expect(sinceOf(pump, 'LOW_RESERVOIR')).toBe('2026-03-02T09:00:00.000Z');
  });

  it('raised without a clock: since 0 (null), and still 0 after SET_CLOCK until it clears', () => {
    const { clock, pump } = lowPump();
    pump.loseClock();
    pump.stallMotor();
    clock.advanceMinutes(30);
    expect(pump.status().alarms).toEqual([
      { code: 'MOTOR_STALL', since: null },
      { code: 'CLOCK_LOST', since: null },
    ]);
    pump.setClock(new Date('2026-03-01T08:30:00Z'), 0);
    clock.advanceMinutes(30);
    // CLOCK_LOST has cleared; the stall raised without a clock is not backfilled.
    expect(pump.status().alarms).toEqual([{ code: 'MOTOR_STALL', since: null }]);
    const wire = toWireStatus(pump.status(), pump.settings);
    expect(wire.ok && wire.value.alarms).toEqual([{ code: 4, since: 0 }]);
  });
});
