// The simulated pump's state and its defaults (the training pump), and the pump's fixed limits;
// the pump's behaviour is pump.ts, which re-exports all of this.
import { defaultPumpModel } from '../../core/models';
import { pumpEventCodes, type PumpSettings } from '../../core/pump';
import { EVENTS_PER_PAGE, MAX_EVENT_PAGES } from '../protocol/messages';

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
  /**
   * The clinic's UTC offset in minutes, set with the clock (SET_CLOCK): the pump runs its flex
   * schedule by its local time, clock plus this offset. Absent: never given one, so 0.
   */
  utcOffsetMinutes?: number;
  /**
   * True while the pump has no clock (never set, or lost): it reports time 0, raises CLOCK_LOST and
   * delivers a flex program at its mean rate until SET_CLOCK (docs/wand-protocol.md). It still
   * counts elapsed time, so durations run on.
   */
  clockLost?: boolean;
  /** The last write transaction the pump applied: a repeated write with this id changes nothing. */
  lastTransactionId: string | null;
}

/** One entry of the simulated pump's own event log, as it keeps it (read in pages over the wand; core's PumpEvent is the decoded entry). */
export interface SimulatedEventEntry {
  /** Pump clock time; null when the pump had no clock (sent as time 0). */
  at: Date | null;
  code: (typeof PUMP_EVENT_CODES)[number];
  detail: string;
}

/** Event codes in wire order (docs/wand-protocol.md). */
export const PUMP_EVENT_CODES = pumpEventCodes;

export type PatientBolusAnswer = 'granted' | 'locked-out' | 'daily-limit' | 'not-configured' | 'stopped';

export const DAY_MS = 86_400_000;
/** How many applied transaction ids the pump remembers: a COMMIT or START_BOLUS naming any of them is a replay (docs). */
export const REPLAY_WINDOW = 64;
/** The pump's event log holds at most this many events; the oldest are dropped first (docs). */
export const MAX_EVENTS = MAX_EVENT_PAGES * EVENTS_PER_PAGE;
/** The battery reaches end of service this long after its elective replacement date. */
export const ERI_TO_EOS_MS = 90 * DAY_MS;

/** The training pump: the default model's data (capacity, alarm volume) as the calculations use it. */
export const defaultSimulatedPump = (now: Date, model = defaultPumpModel()): SimulatedPumpState => ({
  model: model.name,
  serial: 'SIM000123',
  settings: {
    drug: 'morphine',
    concentration: { value: '10', unit: 'mg/mL' },
    mode: 'continuous',
    rate: { value: '0.3', unit: 'mL/day' },
  },
  capacityMl: model.capacityMl,
  lowReservoirAlarmMl: model.lowReservoirAlarmDefaultMl,
  volumeMl: '20',
  // Filled at midnight UTC twelve days ago: the reservoir then drains visibly through the day.
  volumeAt: new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - 12 * DAY_MS),
  replaceByDate: '2031-05-01',
  clockOffsetMs: 47_000,
  lastTransactionId: null,
});
