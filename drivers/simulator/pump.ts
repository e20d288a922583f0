import Decimal from 'decimal.js';
import { defaultPumpModel } from '../../core/models';
import type { Alarm, Drug, PumpStatus, TherapyMode } from '../../core/pump';

export type Clock = () => Date;

export interface SimulatedPumpState {
  model: string;
  serial: string;
  drug: Drug;
  /** mg/mL, decimal string. */
  concentrationMgPerMl: string;
  mode: TherapyMode;
  /** mL/day, decimal string. */
  rateMlPerDay: string;
  capacityMl: string;
  lowReservoirAlarmMl: string;
  /** Volume in the reservoir at `filledAt`. */
  fillVolumeMl: string;
  filledAt: Date;
  replaceByDate: string;
  /** Pump clock minus true time, in milliseconds (real pumps drift). */
  clockOffsetMs: number;
}

const DAY_MS = 86_400_000;

/** The training pump: the default model's data (capacity, alarm volume) as the calculations use it. */
export const defaultSimulatedPump = (now: Date, model = defaultPumpModel()): SimulatedPumpState => ({
  model: model.name,
  serial: 'SIM000123',
  drug: 'morphine',
  concentrationMgPerMl: '10',
  mode: 'continuous',
  rateMlPerDay: '0.3',
  capacityMl: model.capacityMl,
  lowReservoirAlarmMl: model.lowReservoirAlarmDefaultMl,
  fillVolumeMl: '20',
  // Filled at midnight UTC twelve days ago: the reservoir then drains visibly through the day.
  filledAt: new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - 12 * DAY_MS),
  replaceByDate: '2031-05-01',
  clockOffsetMs: 47_000,
});

/**
 * A minimal pump model: the reservoir drains at the programmed rate from the last fill, and the
 * low-reservoir and empty alarms follow from it. All volume arithmetic is decimal.
 */
export class SimulatedPump {
  constructor(
    private readonly state: SimulatedPumpState,
    private readonly clock: Clock = () => new Date(),
  ) {}

  status(): PumpStatus {
    const now = this.clock();
    const pumpTime = new Date(now.getTime() + this.state.clockOffsetMs);
    const rate = new Decimal(this.state.mode === 'stopped' ? 0 : this.state.rateMlPerDay);
    const elapsedDays = new Decimal(Math.max(0, now.getTime() - this.state.filledAt.getTime())).div(DAY_MS);
    const delivered = rate.mul(elapsedDays);
    const remaining = Decimal.max(0, new Decimal(this.state.fillVolumeMl).minus(delivered));
    // The pump reports volumes to 0.1 mL; rounding down never overstates what is left.
    const reservoir = remaining.toDecimalPlaces(1, Decimal.ROUND_DOWN);
    const alarms: Alarm[] = [];
    if (reservoir.isZero()) {
      alarms.push({ code: 'EMPTY_RESERVOIR', since: pumpTime.toISOString() });
    } else if (reservoir.lte(this.state.lowReservoirAlarmMl)) {
      alarms.push({ code: 'LOW_RESERVOIR', since: pumpTime.toISOString() });
    }
    return {
      model: this.state.model,
      serial: this.state.serial,
      pumpTime: pumpTime.toISOString(),
      drug: this.state.drug,
      concentration: { value: this.state.concentrationMgPerMl, unit: 'mg/mL' },
      mode: this.state.mode,
      rate: { value: rate.toString(), unit: 'mL/day' },
      dailyDose: { value: rate.mul(this.state.concentrationMgPerMl).toString(), unit: 'mg/day' },
      reservoirVolume: { value: reservoir.toFixed(1), unit: 'mL' },
      reservoirCapacity: { value: this.state.capacityMl, unit: 'mL' },
      lowReservoirAlarmVolume: { value: this.state.lowReservoirAlarmMl, unit: 'mL' },
      replaceByDate: this.state.replaceByDate,
      alarms,
    };
  }
}
