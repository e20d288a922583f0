// What a pump reset that loses the clock keeps (docs/wand-protocol.md, "A pump without a clock"):
// everything but the clock — program, offset, reservoir accounting, running boluses and bridge,
// the patient bolus history, the replay window, the event log, raised alarms with their since.
import { describe, expect, it } from 'vitest';
import type { PumpSettings } from '../../core/pump';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { manualClock } from './helpers';
import { wandSession } from './wand-usb-rig';

const ml = (value: string) => ({ value, unit: 'mL/day' as const });
const FLEX: PumpSettings = {
  drug: 'morphine',
  concentration: { value: '10', unit: 'mg/mL' },
  mode: 'flex',
  rate: ml('0.1'),
  steps: [
    { start: '00:00', rate: ml('0.1') },
    { start: '12:00', rate: ml('0.5') },
  ],
  patientBolus: { volumeMl: '0.05', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 6 },
};
const TX = '11111111-2222-3333-4444-555555555555';

describe('a pump reset that loses its clock keeps everything but the clock', () => {
  it('program, offset, reservoir, bridge, lockout, replay window, events and alarm since', () => {
    const clock = manualClock(new Date('2026-03-01T08:00:00Z'));
    const pump = new SimulatedPump(
      { ...defaultSimulatedPump(clock.now()), volumeMl: '20', volumeAt: clock.now(), clockOffsetMs: 0 },
      clock.now,
    );
    pump.setClock(new Date('2026-03-01T08:00:00Z'), 480);
    expect(pump.apply(TX, FLEX, '1.9', { volumeMl: '0.24', durationMinutes: 240 })).toBe(true);
    expect(pump.patientRequest()).toBe('granted');
    clock.advanceMinutes(60);
    const before = pump.status();
    const lowSince = before.alarms.find((a) => a.code === 'LOW_RESERVOIR')?.since;
    expect(lowSince).toBe('2026-03-01T09:00:00.000Z');
    const events = pump.events.length;
    pump.loseClock();
    const after = pump.status();
    expect(after).toMatchObject({
      pumpTime: null,
      utcOffsetMinutes: 480,
      mode: 'flex',
      steps: FLEX.steps,
      patientBolus: FLEX.patientBolus,
      lastTransactionId: TX,
      reservoirVolume: before.reservoirVolume,
      bridge: before.bridge,
    });
    expect(after.alarms).toEqual([
      { code: 'LOW_RESERVOIR', since: lowSince },
      { code: 'CLOCK_LOST', since: null },
    ]);
    expect(pump.hasApplied(TX)).toBe(true);
    expect(pump.events).toHaveLength(events);
    // The lockout runs on: 60 of its 120 minutes have passed.
    expect(pump.patientRequest()).toBe('locked-out');
    clock.advanceMinutes(61);
    expect(pump.patientRequest()).toBe('granted');
  });
});

describe('SET_CLOCK of time 0, on a pump with a clock', () => {
  it('is refused ERROR 5 like on one without: the clock, the offset and the event log unchanged', () => {
    const clock = manualClock(new Date('2026-03-01T08:00:00Z'));
    const pump = new SimulatedPump(
      { ...defaultSimulatedPump(clock.now()), clockOffsetMs: 0, utcOffsetMinutes: 60 },
      clock.now,
    );
    const send = wandSession(new SimulatedWand(pump));
    const events = pump.events.length;
    expect(send({ type: 'SET_CLOCK', time: 0, utcOffsetMinutes: 480 })).toMatchObject({ type: 'ERROR', code: 5 });
    expect(pump.status()).toMatchObject({ pumpTime: '2026-03-01T08:00:00.000Z', utcOffsetMinutes: 60 });
    expect(pump.events).toHaveLength(events);
  });
});
