import Decimal from 'decimal.js';
import type { Alarm, BolusWrite, PumpSettings, PumpStatus } from '../../core/pump';
import type { Result } from '../../core/result';
import type { DailyDoseQ } from '../../core/units';
import { offsetText } from '../../core/clock';
import {
  DAY_MS,
  ERI_TO_EOS_MS,
  MAX_EVENTS,
  REPLAY_WINDOW,
  type Clock,
  type PatientBolusAnswer,
  type SimulatedEventEntry,
  type SimulatedPumpState,
} from './pump-state';
import { exactMl } from '../protocol/convert';
import { isWireUtcOffset } from '../protocol/messages';
import { pumpModelNamed } from '../../core/models';
import { programDailyDose } from '../therapy';
import { exactDailyVolume, stepDurations } from '../../core/calc/flex';
import { basalRate, bolusesLeft, deliveredBetween, type RunningBolus } from './delivery';

export * from './pump-state';

/**
 * A pump model, not canned replies: the reservoir drains by the active program (continuous, or
 * flex by the pump's local time: its UTC clock plus the UTC offset set with the clock) and every
 * running bolus; programs and boluses apply atomically and at most once per transaction id;
 * patient boluses respect lockout and the daily maximum; the low-reservoir, empty, battery (ERI,
 * EOS) and motor-stall alarms follow from the state. All volume arithmetic is decimal.
 */
export class SimulatedPump {
  readonly events: SimulatedEventEntry[] = [];
  private boluses: RunningBolus[] = [];
  private patientGrants: number[] = [];
  private motorStalled = false;
  /**
   * When each alarm now raised was raised, by the pump's clock (null: raised while it had none):
   * filled when a code first appears in a status, removed when it clears. An alarm keeps its time
   * until it clears, a null one included after SET_CLOCK (docs/wand-protocol.md, alarm `since`).
   */
  private readonly raisedAt = new Map<Alarm['code'], string | null>();
  /** The ids of the last `REPLAY_WINDOW` transactions applied, oldest first. */
  private readonly applied: string[] = [];

  constructor(
    private readonly state: SimulatedPumpState,
    private readonly clock: Clock = () => new Date(),
  ) {
    if (state.lastTransactionId !== null) this.applied.push(state.lastTransactionId);
    if (state.utcOffsetMinutes !== undefined && !isWireUtcOffset(state.utcOffsetMinutes))
      throw new RangeError(`a UTC offset of ${state.utcOffsetMinutes} minutes is outside -720…+840`);
    const valid = this.check(state.settings);
    if (!valid.ok) throw new RangeError(`the simulated pump cannot run this program: ${valid.error.message}`);
  }

  /** Whether a transaction id is in the replay window: applying it again would change nothing. */
  hasApplied(transactionId: string): boolean {
    return this.applied.includes(transactionId);
  }

  private remember(transactionId: string): void {
    this.state.lastTransactionId = transactionId;
    this.applied.push(transactionId);
    if (this.applied.length > REPLAY_WINDOW) this.applied.shift();
  }

  /** Whether the pump can run a program, by the one therapy model; the daily dose it will report. */
  check(settings: PumpSettings): Result<DailyDoseQ> {
    return programDailyDose(settings, pumpModelNamed(this.state.model));
  }

  get serial(): string {
    return this.state.serial;
  }

  get lastTransactionId(): string | null {
    return this.state.lastTransactionId;
  }

  /** The program as set (flex steps and patient bolus settings included). */
  get settings(): PumpSettings {
    return this.state.settings;
  }

  private pumpMs(at: Date = this.clock()): number {
    return at.getTime() + this.state.clockOffsetMs;
  }

  /** Whether the pump has a clock (false: never set, or lost, until SET_CLOCK). */
  get hasClock(): boolean {
    return this.state.clockLost !== true;
  }

  /**
   * The program as the pump runs it: without a clock a flex program cannot follow its schedule, so
   * it delivers the schedule's daily volume evenly (its mean rate: the day's dose as reviewed, never
   * above its highest step, never a stop) until the clock is set.
   */
  private get running(): PumpSettings {
    const s = this.state.settings;
    if (this.hasClock || s.mode !== 'flex' || s.steps === undefined) return s;
    const durations = stepDurations(s.steps, pumpModelNamed(this.state.model));
    if (!durations.ok) throw new RangeError(durations.error.message); // never: checked when applied
    return { ...s, mode: 'continuous', rate: { value: exactDailyVolume(durations.value).toString(), unit: 'mL/day' } };
  }

  /** The UTC offset the pump runs its flex schedule by (0 until the clock is first set with one). */
  get utcOffsetMinutes(): number {
    return this.state.utcOffsetMinutes ?? 0;
  }

  /** The pump's local time minus its clock, in milliseconds. */
  private get localOffsetMs(): number {
    return this.utcOffsetMinutes * 60_000;
  }

  /** The exact volume left now (before the pump's 1 µL reporting resolution). */
  private remaining(now: Date): Decimal {
    if (this.motorStalled) return new Decimal(this.state.volumeMl);
    const delivered = deliveredBetween(
      this.running,
      this.boluses,
      this.pumpMs(this.state.volumeAt),
      this.pumpMs(now),
      this.localOffsetMs,
    );
    return Decimal.max(0, new Decimal(this.state.volumeMl).minus(delivered));
  }

  /** Books what was delivered up to now, so a change applies from this instant on. */
  private settle(now: Date): void {
    this.state.volumeMl = this.remaining(now).toString();
    this.state.volumeAt = now;
    this.boluses = bolusesLeft(this.boluses, this.pumpMs(now));
  }

  /**
   * Applies a program (and optionally a new reservoir volume after a refill) in one step: the old
   * program runs until this instant, never a stopped interim state. Returns false when the
   * transaction id was already applied (nothing changes twice).
   */
  apply(
    transactionId: string,
    settings: PumpSettings,
    reservoirVolumeMl?: string,
    bridge?: { volumeMl: string; durationMinutes: number },
  ): boolean {
    if (this.hasApplied(transactionId)) return false;
    const valid = this.check(settings);
    if (!valid.ok) throw new RangeError(`the simulated pump cannot run this program: ${valid.error.message}`);
    const now = this.clock();
    this.settle(now);
    if (settings.mode === 'stopped') this.boluses = []; // a stop ends every running bolus and bridge too
    if (reservoirVolumeMl !== undefined) this.state.volumeMl = reservoirVolumeMl;
    this.state.settings = { ...settings };
    this.remember(transactionId);
    if (bridge !== undefined) {
      // Committed with the program: the bridge runs first, in place of the new basal rate. It
      // replaces a bridge still running (the catheter holds one content: it is bridged once).
      this.boluses = this.boluses.filter((b) => b.kind !== 'bridge');
      const start = this.pumpMs(now);
      this.boluses.push({
        start,
        end: start + bridge.durationMinutes * 60_000,
        volumeMl: bridge.volumeMl,
        kind: 'bridge',
      });
      this.log(
        'BOLUS_STARTED',
        `bridge ${bridge.volumeMl} mL over ${bridge.durationMinutes} min (tx ${transactionId})`,
      );
    }
    const program =
      settings.mode === 'flex'
        ? `flex ${settings.steps?.length ?? 0} steps`
        : `${settings.mode} ${settings.rate.value} mL/day`;
    this.log(
      'PROGRAM_APPLIED',
      `${settings.drug} ${settings.concentration.value} ${settings.concentration.unit} ${program} (tx ${transactionId})`,
    );
    if (reservoirVolumeMl !== undefined) this.log('RESERVOIR_SET', `${reservoirVolumeMl} mL`);
    return true;
  }

  /** Starts a single, priming or bridge bolus on top of the basal program; once per transaction id. */
  startBolus(write: BolusWrite): boolean {
    if (this.hasApplied(write.transactionId)) return false;
    const now = this.clock();
    this.settle(now);
    const start = this.pumpMs(now);
    // A bridge replaces a bridge still running, as at COMMIT.
    if (write.kind === 'bridge') this.boluses = this.boluses.filter((b) => b.kind !== 'bridge');
    this.boluses.push({
      start,
      end: start + write.durationMinutes * 60_000,
      volumeMl: write.volumeMl,
      kind: write.kind,
    });
    this.remember(write.transactionId);
    this.log(
      'BOLUS_STARTED',
      `${write.kind} ${write.volumeMl} mL over ${write.durationMinutes} min (tx ${write.transactionId})`,
    );
    return true;
  }

  /**
   * The patient presses the remote: granted only outside the lockout and under the daily maximum,
   * and never while the pump is stopped (a stopped pump delivers nothing until it is restarted).
   */
  patientRequest(): PatientBolusAnswer {
    const settings = this.state.settings.patientBolus;
    if (settings === undefined) return 'not-configured';
    if (this.state.settings.mode === 'stopped') {
      this.log('PATIENT_BOLUS', 'stopped');
      return 'stopped';
    }
    const now = this.clock();
    const pumpNow = this.pumpMs(now);
    const last = this.patientGrants.at(-1);
    let answer: PatientBolusAnswer = 'granted';
    if (last !== undefined && pumpNow - last < settings.lockoutMinutes * 60_000) answer = 'locked-out';
    else if (this.patientGrants.filter((t) => pumpNow - t < DAY_MS).length >= settings.maxPerDay)
      answer = 'daily-limit';
    if (answer === 'granted') {
      this.settle(now);
      this.patientGrants.push(pumpNow);
      this.boluses.push({
        start: pumpNow,
        end: pumpNow + settings.durationMinutes * 60_000,
        volumeMl: settings.volumeMl,
        kind: 'patient',
      });
    }
    this.log('PATIENT_BOLUS', answer);
    return answer;
  }

  /**
   * Fault injection: the pump loses its clock (e.g. a reset with a flat clock cell). What ran until
   * now is booked first; from now on it reports time 0, raises CLOCK_LOST and runs a flex program
   * at its mean rate, until SET_CLOCK.
   */
  loseClock(): void {
    this.settle(this.clock());
    this.state.clockLost = true;
  }

  /** Fault injection: the motor stalls; delivery stops and the pump raises its alarm. */
  stallMotor(): void {
    this.settle(this.clock());
    this.motorStalled = true;
    // Raised now (a status read later names this time).
    if (!this.raisedAt.has('MOTOR_STALL'))
      this.raisedAt.set('MOTOR_STALL', this.hasClock ? new Date(this.pumpMs()).toISOString() : null);
    this.log('MOTOR_STALL', 'motor stall detected; delivery stopped');
  }

  private log(code: SimulatedEventEntry['code'], detail: string): void {
    this.events.push({ at: this.hasClock ? new Date(this.pumpMs()) : null, code, detail });
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  /**
   * Sets the pump's clock (it drifts) and the clinic's UTC offset its flex schedule runs by, both
   * from this instant on (what was delivered until now is booked first); the change is in the
   * pump's event log.
   */
  setClock(time: Date, utcOffsetMinutes: number): void {
    if (!isWireUtcOffset(utcOffsetMinutes))
      throw new RangeError(`a UTC offset of ${utcOffsetMinutes} minutes is outside -720…+840`);
    const now = this.clock();
    this.settle(now);
    const before = new Date(this.pumpMs(now));
    const hadClock = this.hasClock;
    const offsetBefore = this.utcOffsetMinutes;
    const shift = time.getTime() - before.getTime();
    this.state.clockOffsetMs += shift;
    this.state.utcOffsetMinutes = utcOffsetMinutes;
    this.state.clockLost = false;
    this.boluses = this.boluses.map((b) => ({ ...b, start: b.start + shift, end: b.end + shift }));
    this.patientGrants = this.patientGrants.map((t) => t + shift);
    this.log(
      'CLOCK_SET',
      `from ${hadClock ? `${before.toISOString()} UTC${offsetText(offsetBefore)}` : 'no clock'}; offset now UTC${offsetText(utcOffsetMinutes)}`,
    );
  }

  /** The pump plays its alarm tones so the patient learns them. */
  alarmTest(): void {
    this.log('ALARM_TEST', 'low reservoir and critical alarm tones played');
  }

  status(): PumpStatus {
    const now = this.clock();
    const pumpTime = new Date(this.pumpMs(now));
    const { settings } = this.state;
    // Without a clock a flex program runs at its mean rate, reported to the µL/day rounded down.
    const rate = this.motorStalled
      ? new Decimal(0)
      : new Decimal(basalRate(this.running, pumpTime.getTime() + this.localOffsetMs).toString()).toDecimalPlaces(
          3,
          Decimal.ROUND_DOWN,
        );
    // The pump reports its reservoir to the µL (docs/wand-protocol.md, "volume"); rounding down
    // never overstates what is left. The alarms follow the figure reported.
    const reservoir = this.remaining(now).toDecimalPlaces(3, Decimal.ROUND_DOWN);
    const codes: Alarm['code'][] = [];
    if (reservoir.isZero()) codes.push('EMPTY_RESERVOIR');
    else if (reservoir.lte(this.state.lowReservoirAlarmMl)) codes.push('LOW_RESERVOIR');
    const replaceBy = Date.parse(`${this.state.replaceByDate}T00:00:00Z`);
    if (pumpTime.getTime() >= replaceBy + ERI_TO_EOS_MS) codes.push('EOS');
    else if (pumpTime.getTime() >= replaceBy) codes.push('ERI');
    if (this.motorStalled) codes.push('MOTOR_STALL');
    if (!this.hasClock) codes.push('CLOCK_LOST');
    // Each alarm is stamped by the pump's clock when it is raised (without one: no time, sent as 0)
    // and keeps that time until it clears.
    for (const code of this.raisedAt.keys()) if (!codes.includes(code)) this.raisedAt.delete(code);
    const alarms: Alarm[] = codes.map((code) => {
      if (!this.raisedAt.has(code)) this.raisedAt.set(code, this.hasClock ? pumpTime.toISOString() : null);
      return { code, since: this.raisedAt.get(code) ?? null };
    });
    const dailyDose = this.check(settings);
    // Never reached: the constructor and `apply` accept only programs the therapy model runs.
    if (!dailyDose.ok) throw new RangeError(dailyDose.error.message);
    return {
      model: this.state.model,
      serial: this.state.serial,
      pumpTime: this.hasClock ? pumpTime.toISOString() : null,
      utcOffsetMinutes: this.utcOffsetMinutes,
      drug: settings.drug,
      concentration: settings.concentration,
      mode: settings.mode,
      rate: { value: rate.toString(), unit: 'mL/day' },
      dailyDose: dailyDose.value,
      // Written as the host writes what the wire carries: 17.05, 17.0, never 17.050.
      reservoirVolume: { value: exactMl(reservoir.mul(1000).toNumber()), unit: 'mL' },
      reservoirCapacity: { value: this.state.capacityMl, unit: 'mL' },
      lowReservoirAlarmVolume: { value: this.state.lowReservoirAlarmMl, unit: 'mL' },
      replaceByDate: this.state.replaceByDate,
      alarms,
      lastTransactionId: this.state.lastTransactionId,
      ...(settings.mode === 'flex' && settings.steps !== undefined
        ? { steps: settings.steps.map((st) => ({ start: st.start, rate: { ...st.rate } })) }
        : {}),
      ...(settings.patientBolus === undefined ? {} : { patientBolus: { ...settings.patientBolus } }),
      ...this.bridgeStatus(now),
    };
  }

  /** A running bridge bolus and the volume it has left (to the µL, rounded down). */
  private bridgeStatus(now: Date): Pick<PumpStatus, 'bridge'> {
    const at = this.pumpMs(now);
    const b = this.boluses.find((x) => x.kind === 'bridge' && x.start <= at && x.end > at);
    if (b === undefined || this.motorStalled) return {};
    const left = new Decimal(b.volumeMl)
      .mul(b.end - at)
      .div(b.end - b.start)
      .toDecimalPlaces(3, Decimal.ROUND_DOWN);
    return { bridge: { remaining: { value: left.toString(), unit: 'mL' } } };
  }
}
