import Decimal from 'decimal.js';
import { defaultPumpModel } from '../../core/models';
import type { Alarm, PumpSettings, PumpStatus } from '../../core/pump';

export type Clock = () => Date;

export interface SimulatedPumpState {
  model: string;
  serial: string;
  settings: PumpSettings;
  capacityMl: string;
  lowReservoirAlarmMl: string;
  /** Reservoir volume at `volumeAt`; the program drains it from then on. */
  volumeMl: string;
  volumeAt: Date;
  replaceByDate: string;
  /** Pump clock minus true time, in milliseconds (real pumps drift). */
  clockOffsetMs: number;
  /** The last write transaction the pump applied: a repeated write with this id changes nothing. */
  lastTransactionId: string | null;
}

/** One entry of the pump's own event log (read in pages over the wand). */
export interface PumpEvent {
  /** Pump clock time. */
  at: Date;
  code: 'PROGRAM_APPLIED' | 'RESERVOIR_SET' | 'CLOCK_SET' | 'ALARM_TEST';
  detail: string;
}

const DAY_MS = 86_400_000;

/** The training pump: the default model's data (capacity, alarm volume) as the calculations use it. */
export const defaultSimulatedPump = (now: Date, model = defaultPumpModel()): SimulatedPumpState => ({
  model: model.name,
  serial: 'SIM000123',
  settings: { drug: 'morphine', concentration: { value: '10', unit: 'mg/mL' }, mode: 'continuous', rate: { value: '0.3', unit: 'mL/day' } },
  capacityMl: model.capacityMl,
  lowReservoirAlarmMl: model.lowReservoirAlarmDefaultMl,
  volumeMl: '20',
  // Filled at midnight UTC twelve days ago: the reservoir then drains visibly through the day.
  volumeAt: new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - 12 * DAY_MS),
  replaceByDate: '2031-05-01',
  clockOffsetMs: 47_000,
  lastTransactionId: null,
});

/**
 * A pump model: the reservoir drains at the programmed rate, the low-reservoir and empty alarms
 * follow from it, and a program write is applied atomically and at most once per transaction id.
 * All volume arithmetic is decimal.
 */
export class SimulatedPump {
  readonly events: PumpEvent[] = [];

  constructor(
    private readonly state: SimulatedPumpState,
    private readonly clock: Clock = () => new Date(),
  ) {}

  get serial(): string {
    return this.state.serial;
  }

  get lastTransactionId(): string | null {
    return this.state.lastTransactionId;
  }

  /** The exact volume left now (before the pump's 0.1 mL reporting resolution). */
  private remaining(now: Date): Decimal {
    const rate = new Decimal(this.state.settings.mode === 'stopped' ? 0 : this.state.settings.rate.value);
    const elapsedDays = new Decimal(Math.max(0, now.getTime() - this.state.volumeAt.getTime())).div(DAY_MS);
    return Decimal.max(0, new Decimal(this.state.volumeMl).minus(rate.mul(elapsedDays)));
  }

  /**
   * Applies a program (and optionally a new reservoir volume after a refill) in one step: the old
   * program runs until this instant, never a stopped interim state. Returns false when the
   * transaction id was already applied (nothing changes twice).
   */
  apply(transactionId: string, settings: PumpSettings, reservoirVolumeMl?: string): boolean {
    if (this.state.lastTransactionId === transactionId) return false;
    const now = this.clock();
    this.state.volumeMl = reservoirVolumeMl ?? this.remaining(now).toString();
    this.state.volumeAt = now;
    this.state.settings = { ...settings };
    this.state.lastTransactionId = transactionId;
    this.log('PROGRAM_APPLIED', `${settings.drug} ${settings.concentration.value} ${settings.concentration.unit} ${settings.mode} ${settings.rate.value} mL/day (tx ${transactionId})`);
    if (reservoirVolumeMl !== undefined) this.log('RESERVOIR_SET', `${reservoirVolumeMl} mL`);
    return true;
  }

  private pumpNow(): Date {
    return new Date(this.clock().getTime() + this.state.clockOffsetMs);
  }

  private log(code: PumpEvent['code'], detail: string): void {
    this.events.push({ at: this.pumpNow(), code, detail });
  }

  /** Sets the pump's clock (it drifts); the change is in the pump's event log. */
  setClock(time: Date): void {
    const before = this.pumpNow();
    this.state.clockOffsetMs = time.getTime() - this.clock().getTime();
    this.log('CLOCK_SET', `from ${before.toISOString()}`);
  }

  /** The pump plays its alarm tones so the patient learns them. */
  alarmTest(): void {
    this.log('ALARM_TEST', 'low reservoir and critical alarm tones played');
  }

  status(): PumpStatus {
    const now = this.clock();
    const pumpTime = new Date(now.getTime() + this.state.clockOffsetMs);
    const { settings } = this.state;
    const rate = new Decimal(settings.mode === 'stopped' ? 0 : settings.rate.value);
    // The pump reports volumes to 0.1 mL; rounding down never overstates what is left.
    const reservoir = this.remaining(now).toDecimalPlaces(1, Decimal.ROUND_DOWN);
    const alarms: Alarm[] = [];
    if (reservoir.isZero()) {
      alarms.push({ code: 'EMPTY_RESERVOIR', since: pumpTime.toISOString() });
    } else if (reservoir.lte(this.state.lowReservoirAlarmMl)) {
      alarms.push({ code: 'LOW_RESERVOIR', since: pumpTime.toISOString() });
    }
    const doseUnit = settings.concentration.unit === 'mcg/mL' ? 'mcg/day' : 'mg/day';
    return {
      model: this.state.model,
      serial: this.state.serial,
      pumpTime: pumpTime.toISOString(),
      drug: settings.drug,
      concentration: settings.concentration,
      mode: settings.mode,
      rate: { value: rate.toString(), unit: 'mL/day' },
      dailyDose: { value: rate.mul(settings.concentration.value).toString(), unit: doseUnit },
      reservoirVolume: { value: reservoir.toFixed(1), unit: 'mL' },
      reservoirCapacity: { value: this.state.capacityMl, unit: 'mL' },
      lowReservoirAlarmVolume: { value: this.state.lowReservoirAlarmMl, unit: 'mL' },
      replaceByDate: this.state.replaceByDate,
      alarms,
      lastTransactionId: this.state.lastTransactionId,
    };
  }
}
