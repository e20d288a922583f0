// The STATUS rate field of a flex program on a pump without a clock is the schedule's mean rate,
// from its steps, to the µL/day rounded down, whatever else the pump reports: a motor stall is
// reported by its alarm, never by the rate field (docs/wand-protocol.md, "The rate field").
import { describe, expect, it } from 'vitest';
import type { PumpSettings } from '../../core/pump';
import { meanRateUlPerDay, toWireStatus, uuidToBytes } from '../../drivers/protocol/convert';
import { decodeFrame, encodeFrame } from '../../drivers/protocol/frame';
import { decodeMessage, encodeMessage, type Message } from '../../drivers/protocol/messages';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { SimulatedWand } from '../../drivers/simulator/wand';
import { manualClock } from './helpers';

const ml = (value: string) => ({ value, unit: 'mL/day' as const });
/** 0.3 mL/day 00:00–06:30, 0.48 to 22:00, 0.2 to midnight: (300×390 + 480×930 + 200×120) / 1440 = 407.91… µL/day. */
const FLEX: PumpSettings = {
  drug: 'baclofen',
  concentration: { value: '2000', unit: 'mcg/mL' },
  mode: 'flex',
  rate: ml('0.3'),
  steps: [
    { start: '00:00', rate: ml('0.3') },
    { start: '06:30', rate: ml('0.48') },
    { start: '22:00', rate: ml('0.2') },
  ],
};

function noClockFlexPump() {
  const clock = manualClock(new Date('2026-03-01T08:00:00Z'));
  const pump = new SimulatedPump(
    { ...defaultSimulatedPump(clock.now()), settings: FLEX, volumeMl: '20', volumeAt: clock.now(), clockOffsetMs: 0 },
    clock.now,
  );
  pump.loseClock();
  return { clock, pump };
}

function readStatus(wand: SimulatedWand) {
  const ask = (m: Message, seq: number): Message => {
    const frame = decodeFrame(wand.handle(encodeFrame({ seq, ...encodeMessage(m) })));
    if (!frame.ok) throw new Error(frame.error.kind);
    const d = decodeMessage(frame.frame.type, frame.frame.payload);
    if (!d.ok) throw new Error(d.error.kind);
    return d.message;
  };
  ask({ type: 'HELLO', version: 2 }, 1);
  ask({ type: 'OPEN_SESSION', sessionId: uuidToBytes('99999999-8888-7777-6666-555555555555') }, 2);
  const m = ask({ type: 'READ_STATUS' }, 3);
  if (m.type !== 'STATUS') throw new Error(`answered ${m.type}`);
  return m.status;
}

describe('a flex program on a pump without a clock: the STATUS rate field', () => {
  it('is the mean of the steps, rounded down', () => {
    expect(
      meanRateUlPerDay([
        { startMinute: 0, rateUlPerDay: 300 },
        { startMinute: 390, rateUlPerDay: 480 },
        { startMinute: 1320, rateUlPerDay: 200 },
      ]),
    ).toBe(407);
    expect(meanRateUlPerDay([{ startMinute: 0, rateUlPerDay: 4_294_967_295 }])).toBe(4_294_967_295);
    expect(
      meanRateUlPerDay([
        { startMinute: 0, rateUlPerDay: 1 },
        { startMinute: 1439, rateUlPerDay: 2 },
      ]),
    ).toBe(1); // 1441 / 1440
  });

  it('with the motor running: the mean rate', () => {
    const { pump } = noClockFlexPump();
    expect(readStatus(new SimulatedWand(pump))).toMatchObject({ pumpTime: 0, rateUlPerDay: 407, mode: 2 });
  });

  it('with the motor stalled: still the mean rate; the stall is in the alarms', () => {
    const { pump, clock } = noClockFlexPump();
    pump.stallMotor();
    clock.advanceMinutes(90);
    const status = readStatus(new SimulatedWand(pump));
    expect(status.rateUlPerDay).toBe(407);
    expect(status.alarms.map((a) => a.code)).toContain(4); // motor stall
    // The conversion alone, from the pump's own status, says the same.
    const wire = toWireStatus(pump.status(), pump.settings);
    expect(wire.ok && wire.value.rateUlPerDay).toBe(407);
  });

  it('with a clock and the motor stalled: the step running now, as before', () => {
    const { pump } = noClockFlexPump();
    pump.setClock(new Date('2026-03-01T08:00:00Z'), 0);
    pump.stallMotor();
    expect(readStatus(new SimulatedWand(pump)).rateUlPerDay).toBe(480);
  });
});
