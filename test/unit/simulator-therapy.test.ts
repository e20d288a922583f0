import { describe, expect, it } from 'vitest';
import type { PumpSettings } from '../../core/pump';
import { SimulatedPump, defaultSimulatedPump } from '../../drivers/simulator/pump';
import { manualClock } from './helpers';

const rate = (value: string) => ({ value, unit: 'mL/day' as const });
const HOUR = 1 / 24;

/** A pump whose clock equals true time and starts at midnight, with 20 mL in the reservoir. */
function pumpAtMidnight(settings?: Partial<PumpSettings>) {
  const clock = manualClock(new Date('2026-03-01T00:00:00Z'));
  const base = defaultSimulatedPump(clock.now());
  const pump = new SimulatedPump(
    { ...base, clockOffsetMs: 0, volumeMl: '20', volumeAt: clock.now(), settings: { ...base.settings, ...settings } },
    clock.now,
  );
  return { pump, clock };
}

describe('the simulated pump as a therapy model', () => {
  it('runs a flex schedule by its own clock, step by step', () => {
    const steps = [
      { start: '00:00', rate: rate('0.24') },
      { start: '06:00', rate: rate('0.48') },
      { start: '18:00', rate: rate('0.24') },
    ];
    const { pump, clock } = pumpAtMidnight({ mode: 'flex', steps });
    expect(pump.status()).toMatchObject({
      mode: 'flex',
      rate: { value: '0.24' },
      dailyDose: { value: '3.6', unit: 'mg/day' },
    });
    clock.advanceDays(7 * HOUR);
    expect(pump.status().rate.value).toBe('0.48');
    clock.advanceDays(17 * HOUR); // one whole day: 0.24×6/24 + 0.48×12/24 + 0.24×6/24 = 0.36 mL
    expect(pump.status().reservoirVolume.value).toBe('19.64');
  });

  it('delivers a bolus on top of the basal rate, once per transaction id', () => {
    const { pump, clock } = pumpAtMidnight({ rate: rate('0'), mode: 'continuous' });
    expect(pump.startBolus({ transactionId: 'b1', kind: 'bridge', volumeMl: '0.5', durationMinutes: 600 })).toBe(true);
    expect(pump.startBolus({ transactionId: 'b1', kind: 'bridge', volumeMl: '0.5', durationMinutes: 600 })).toBe(false);
    clock.advanceDays(5 * HOUR); // half of the 10-hour bolus
    expect(pump.status().reservoirVolume.value).toBe('19.75'); // 20 − 0.25, reported to the µL
    clock.advanceDays(10 * HOUR);
    expect(pump.status().reservoirVolume.value).toBe('19.5');
  });

  it('stops every delivery at a stop: a running bolus and a bridge end with it; another program leaves them running', () => {
    const { pump, clock } = pumpAtMidnight({ rate: rate('0'), mode: 'continuous' });
    pump.startBolus({ transactionId: 'b1', kind: 'bridge', volumeMl: '0.5', durationMinutes: 600 });
    clock.advanceDays(5 * HOUR); // half of the 10-hour bridge delivered
    // A program change (still delivering) leaves the bolus running.
    pump.apply('p1', { ...pump.settings, mode: 'continuous', rate: rate('0') });
    clock.advanceDays(2 * HOUR);
    expect(pump.status().reservoirVolume.value).toBe('19.65'); // 0.35 mL of the bridge so far
    expect(pump.status().bridge).toMatchObject({ remaining: { value: '0.15' } });
    pump.apply('stop', { ...pump.settings, mode: 'stopped', rate: rate('0') });
    clock.advanceDays(10 * HOUR);
    expect(pump.status()).toMatchObject({ mode: 'stopped', reservoirVolume: { value: '19.65' } });
    expect(pump.status().bridge).toBeUndefined();
  });

  it('grants patient boluses only outside the lockout and under the daily maximum', () => {
    const { pump, clock } = pumpAtMidnight({
      patientBolus: { volumeMl: '0.05', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 3 },
    });
    expect(pump.patientRequest()).toBe('granted');
    clock.advanceDays(HOUR);
    expect(pump.patientRequest()).toBe('locked-out');
    clock.advanceDays(2 * HOUR);
    expect(pump.patientRequest()).toBe('granted');
    clock.advanceDays(2 * HOUR);
    expect(pump.patientRequest()).toBe('granted');
    clock.advanceDays(2 * HOUR);
    expect(pump.patientRequest()).toBe('daily-limit');
    expect(pump.events.filter((e) => e.code === 'PATIENT_BOLUS').map((e) => e.detail)).toEqual([
      'granted',
      'locked-out',
      'granted',
      'granted',
      'daily-limit',
    ]);
  });

  it('a new bridge replaces one still running (COMMIT or START_BOLUS): one bridge, the basal held back once', () => {
    const { pump, clock } = pumpAtMidnight({ rate: rate('0.24'), mode: 'continuous' });
    pump.apply('p1', { ...pump.settings }, undefined, { volumeMl: '0.5', durationMinutes: 600 });
    clock.advanceDays(5 * HOUR); // half of the first bridge: 0.25 mL, no basal meanwhile
    expect(pump.status().reservoirVolume.value).toBe('19.75');
    pump.apply('p2', { ...pump.settings }, undefined, { volumeMl: '0.3', durationMinutes: 300 });
    expect(pump.status().bridge).toMatchObject({ remaining: { value: '0.3' } });
    clock.advanceDays(5 * HOUR); // the second bridge whole (0.3 mL), the first's rest never given
    expect(pump.status().reservoirVolume.value).toBe('19.45');
    expect(pump.status().bridge).toBeUndefined();
    pump.startBolus({ transactionId: 'b1', kind: 'bridge', volumeMl: '0.2', durationMinutes: 600 });
    clock.advanceDays(HOUR);
    pump.startBolus({ transactionId: 'b2', kind: 'bridge', volumeMl: '0.1', durationMinutes: 60 });
    expect(pump.status().bridge).toMatchObject({ remaining: { value: '0.1' } });
  });

  it('grants no patient bolus while stopped, even with the remote configured: nothing leaves the reservoir', () => {
    const { pump, clock } = pumpAtMidnight({
      patientBolus: { volumeMl: '0.05', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 3 },
    });
    pump.apply('stop', { ...pump.settings, mode: 'stopped', rate: rate('0') });
    const before = pump.status().reservoirVolume.value;
    expect(pump.patientRequest()).toBe('stopped');
    clock.advanceDays(HOUR);
    expect(pump.status().reservoirVolume.value).toBe(before);
    expect(pump.events.at(-1)).toMatchObject({ code: 'PATIENT_BOLUS', detail: 'stopped' });
  });

  it('raises ERI at the replacement date and EOS 90 days later', () => {
    const clock = manualClock(new Date('2031-04-30T12:00:00Z'));
    const pump = new SimulatedPump(
      { ...defaultSimulatedPump(clock.now()), clockOffsetMs: 0, volumeMl: '40', volumeAt: clock.now() },
      clock.now,
    );
    expect(pump.status().alarms.map((a) => a.code)).toEqual([]);
    clock.advanceDays(1);
    expect(pump.status().alarms.map((a) => a.code)).toEqual(['ERI']);
    clock.advanceDays(90);
    expect(pump.status().alarms.map((a) => a.code)).toContain('EOS');
  });

  it('stops delivery and alarms when the motor stalls', () => {
    const { pump, clock } = pumpAtMidnight();
    clock.advanceDays(1);
    pump.stallMotor();
    const before = pump.status().reservoirVolume.value;
    clock.advanceDays(3);
    expect(pump.status()).toMatchObject({ reservoirVolume: { value: before }, rate: { value: '0' } });
    expect(pump.status().alarms.map((a) => a.code)).toContain('MOTOR_STALL');
  });

  it('keeps running boluses and lockouts on the pump clock when the clock is set', () => {
    const { pump, clock } = pumpAtMidnight({
      patientBolus: { volumeMl: '0.05', durationMinutes: 10, lockoutMinutes: 120, maxPerDay: 6 },
    });
    expect(pump.patientRequest()).toBe('granted');
    pump.setClock(new Date('2026-03-01T05:00:00Z'), 0); // the clock was 5 hours behind
    clock.advanceDays(HOUR);
    expect(pump.patientRequest()).toBe('locked-out');
    expect(pump.events.map((e) => e.code)).toContain('CLOCK_SET');
  });
});
