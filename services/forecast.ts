import type { Forecast } from '../core/calc/refill';
import { clinicDate } from '../core/clock';
import type { DrugLibrary } from '../core/library/schema';
import type { PumpModel } from '../core/models';
import { summarizeProgram } from '../core/program';
import type { PumpSettings, PumpStatus } from '../core/pump';
import { ok, type Result } from '../core/result';
import { stabilityDaysFor, therapyForecast } from '../core/therapy-forecast';
import { addDays } from '../core/calc/dates';
import type { Db } from '../db/connection';
import { fillCount, findPumpBySerial, lastRefill } from '../db/queries/records';
import { programOfSettings, programOfStatus } from './program-review';

export interface ForecastDeps {
  db: Db;
  now: () => Date;
  library: DrugLibrary;
  timeZone: string;
  marginDays: number;
}

const endOfService = (status: PumpStatus): boolean => status.alarms.some((a) => a.code === 'EOS');
const electiveReplacement = (status: PumpStatus): boolean => status.alarms.some((a) => a.code === 'ERI');

/**
 * The forecast of the pump as it was just read: from the reservoir now, the whole program (flex
 * steps, every allowed patient bolus), the stability left since the last fill and that syringe's
 * expiry, the battery. The dashboard shows this.
 */
export function currentForecast(deps: ForecastDeps, status: PumpStatus, model: PumpModel): Result<Forecast | null> {
  const summary = summarizeProgram(programOfStatus(status), { model });
  if (!summary.ok) return summary;
  const today = clinicDate(deps.now(), deps.timeZone);
  const registered = findPumpBySerial(deps.db, status.serial);
  const last = registered === undefined ? undefined : lastRefill(deps.db, registered.id);
  const filledOn = last === undefined ? undefined : clinicDate(new Date(last.performedAt), deps.timeZone);
  // Only the fill this database recorded tells how long the solution has been in the pump.
  const stability =
    last === undefined || filledOn === undefined
      ? undefined
      : stabilityDaysFor(
          deps.library,
          [{ drug: status.drug, concentration: status.concentration }],
          registered !== undefined && fillCount(deps.db, registered.id, status.drug) === 1,
        );
  const stableUntil = stability === undefined || filledOn === undefined ? undefined : addDays(filledOn, stability);
  const daysLeft =
    stableUntil === undefined ? undefined : Math.round((Date.parse(stableUntil) - Date.parse(today)) / 86_400_000);
  const f = therapyForecast({
    summary: summary.value,
    capacityMl: status.reservoirCapacity.value,
    alarmVolumeMl: status.lowReservoirAlarmVolume.value,
    fillVolumeMl: status.reservoirVolume.value,
    fillDate: today,
    stabilityDays: daysLeft === undefined ? undefined : Math.max(0, daysLeft),
    beyondUseDate: last?.syringeExpiry,
    replaceByDate: status.replaceByDate,
    endOfService: endOfService(status),
    electiveReplacement: electiveReplacement(status),
    eriToEosDays: model.eriToEosDays,
    marginDays: deps.marginDays,
  });
  if (!f.ok && summary.value.mode === 'stopped') return ok(null);
  return f;
}

/**
 * The forecast after a refill: the instilled volume, the program that will run (the new one after
 * a drug or concentration change), the stability of the drug now in the reservoir (a first fill of
 * this drug in this pump included), the syringe's beyond-use date, the battery.
 */
export function refillForecastFor(
  deps: ForecastDeps,
  status: PumpStatus,
  model: PumpModel,
  fill: { instilledMl: string; settings: PumpSettings; beyondUseDate?: string | undefined },
): Result<Forecast> {
  const summary = summarizeProgram(programOfSettings(fill.settings), { model });
  if (!summary.ok) return summary;
  const registered = findPumpBySerial(deps.db, status.serial);
  const firstFill = registered === undefined || fillCount(deps.db, registered.id, fill.settings.drug) === 0;
  return therapyForecast({
    summary: summary.value,
    capacityMl: status.reservoirCapacity.value,
    alarmVolumeMl: status.lowReservoirAlarmVolume.value,
    fillVolumeMl: fill.instilledMl,
    fillDate: clinicDate(deps.now(), deps.timeZone),
    stabilityDays: stabilityDaysFor(
      deps.library,
      [{ drug: fill.settings.drug, concentration: fill.settings.concentration }],
      firstFill,
    ),
    beyondUseDate: fill.beyondUseDate,
    replaceByDate: status.replaceByDate,
    endOfService: endOfService(status),
    electiveReplacement: electiveReplacement(status),
    eriToEosDays: model.eriToEosDays,
    marginDays: deps.marginDays,
  });
}
