import { dec, str, toPlaces } from '../decimal';
import { ROUNDING } from '../calc/rounding';
import type { PumpModel } from '../models';
import type { ProgramSummary } from '../program';
import { concentrationIn, convertMass, dailyDoseIn, dailyDoseQ, massOf } from '../units';
import type { DrugLibrary } from './schema';
import { levelAbove, levelBelow, type AddFinding } from './findings';
import { startDoseBound } from './dose-change';
import { DEFAULT_BOLUS_WINDOW_HOURS, type ClinicianBolusFigures, type ClinicianBolusInput } from './clinician-bolus';
import { checkBolusAgainstPump, doseOf, endOf, HOUR_MS, MINUTE_MS } from './clinician-bolus-pump';

/**
 * The rules of a bolus the physician gives through the wand, per drug of the program the pump runs:
 * the drug library's clinician-bolus limit (or none allowed), the clinician boluses of the window
 * added up against the library's total and spaced by its interval, the bolus counted into the
 * 24-hour dose against the daily ceiling, no faster than the pump's maximum rate, enough in the
 * reservoir, no bolus while a bridge or another clinician bolus runs, a soft finding for a stopped
 * pump (with the 24-hour boluses held to the start dose), and a priming bolus never into a
 * catheter that is primed: answered so, or primed by this pump within 24 h or since its last refill.
 */
export function checkClinicianBolus(
  library: DrugLibrary,
  running: ProgramSummary,
  input: ClinicianBolusInput,
  model: PumpModel,
  add: AddFinding,
): ClinicianBolusFigures {
  const volume = dec(input.volume.value);
  const single = input.kind === 'single';
  const now = Date.parse(input.now);
  const { earlier, primed } = checkBolusAgainstPump(input, model, add);
  const stopped = running.mode === 'stopped';
  if (stopped && single) {
    add(
      'CLINICIAN_BOLUS_PUMP_STOPPED',
      'soft',
      'the pump is stopped: find out why (an overdose, surgery, an infection) before giving a bolus; a reason is required',
      {},
    );
  }
  // What reaches the patient: a single bolus, or a priming bolus pushed through a primed catheter (refused above).
  const delivered = single || primed;
  const longest = Math.max(
    DEFAULT_BOLUS_WINDOW_HOURS,
    ...library.entries.map((e) => e.clinicianBolus?.window?.hours ?? 0),
  );
  const doses = running.components.map((component, index) => {
    const mass = massOf(component.concentration.unit);
    const dose = toPlaces(volume.mul(concentrationIn(component.concentration, mass)), ROUNDING.dosePlaces);
    const singles = (hours: number) =>
      earlier.filter(
        (b) => b.kind === 'single' && now - Date.parse(b.at) < hours * HOUR_MS && doseOf(b, component.drug, mass).gt(0),
      );
    const earlier24h = singles(24).reduce((sum, b) => sum.plus(doseOf(b, component.drug, mass)), dec(0));
    const basal = stopped ? dec(0) : dailyDoseIn(component.maxDailyDoseWithBoluses, mass);
    const before = basal.plus(earlier24h);
    const withBolus = delivered ? before.plus(dose) : before;
    const entry = library.entries.find((e) => e.drug === component.drug);
    const rules = entry?.clinicianBolus;
    const hours = rules?.window?.hours ?? DEFAULT_BOLUS_WINDOW_HOURS;
    const inWindow = singles(hours);
    const windowBefore = inWindow.reduce((sum, b) => sum.plus(doseOf(b, component.drug, mass)), dec(0));
    const windowWith = single ? windowBefore.plus(dose) : windowBefore;
    if (single) {
      const params = { component: String(index), drug: component.drug };
      if (entry !== undefined && rules?.notAllowed === true) {
        add(
          'CLINICIAN_BOLUS_NOT_ALLOWED',
          'hard',
          `the drug library allows no clinician bolus of ${component.drug}`,
          params,
        );
      } else if (entry !== undefined && rules?.maxDose === undefined) {
        add(
          'CLINICIAN_BOLUS_NO_LIMIT',
          'soft',
          `the drug library sets no clinician bolus limit for ${component.drug}: check the dose against the patient's record`,
          params,
        );
      } else if (entry !== undefined) {
        const inEntry = convertMass(dose, mass, entry.unit);
        const hit = levelAbove(inEntry, rules?.maxDose);
        if (hit)
          add(
            'CLINICIAN_BOLUS_DOSE_ABOVE_MAX',
            hit.level,
            `a bolus of ${str(inEntry)} ${entry.unit} is above the ${hit.level} maximum of ${hit.limit} ${entry.unit}`,
            { ...params, dose: str(inEntry), max: hit.limit, unit: entry.unit },
          );
      }
      if (entry !== undefined && rules?.notAllowed !== true && inWindow.length > 0) {
        // Repeated boluses: their total within the window and the pause since the last one ended.
        const window = rules?.window;
        const total = convertMass(windowWith, mass, entry.unit);
        const count = String(inWindow.length + 1);
        const totalHit = levelAbove(total, window?.maxTotal);
        if (totalHit) {
          add(
            'CLINICIAN_BOLUS_TOTAL_ABOVE_MAX',
            totalHit.level,
            `with this bolus the clinician boluses of ${component.drug} in the last ${hours} h come to ${str(total)} ${entry.unit} (${count} boluses), above the ${totalHit.level} maximum of ${totalHit.limit} ${entry.unit}`,
            {
              ...params,
              hours: String(hours),
              total: str(total),
              count,
              max: totalHit.limit,
              unit: entry.unit,
            },
          );
        }
        const last = inWindow.reduce((a, b) => (endOf(b) > endOf(a) ? b : a));
        const elapsed = Math.max(0, Math.floor((now - endOf(last)) / MINUTE_MS));
        const gap = levelBelow(dec(elapsed), window?.minIntervalMinutes);
        if (gap) {
          add(
            'CLINICIAN_BOLUS_INTERVAL_BELOW_MIN',
            gap.level,
            `the last clinician bolus of ${component.drug} ended ${elapsed} min ago; clinician boluses must be at least ${gap.limit} min apart (${gap.level} limit)`,
            { ...params, elapsed: String(elapsed), min: gap.limit },
          );
        }
        if (window?.maxTotal === undefined || window.minIntervalMinutes === undefined) {
          add(
            'CLINICIAN_BOLUS_REPEAT_NO_LIMIT',
            'soft',
            `this pump gave ${inWindow.length} clinician boluses of ${component.drug} in the last ${hours} h and the drug library sets no ${window?.maxTotal === undefined ? 'total' : 'interval'} for repeated boluses: check against the patient's record`,
            {
              ...params,
              count: String(inWindow.length),
              hours: String(hours),
            },
          );
        }
      }
      if (entry !== undefined && stopped) {
        // A stopped pump: the boluses of 24 h are the patient's whole dose, a start as a first program is.
        const { bound, tolerant } = startDoseBound(entry, input.tolerance);
        const total = convertMass(withBolus, mass, entry.unit);
        const start = levelAbove(total, bound);
        if (start) {
          add(
            'CLINICIAN_BOLUS_ABOVE_START_DOSE',
            start.level,
            `the pump is stopped, so the clinician boluses of 24 h are all the patient receives: ${str(total)} ${entry.unit} is above the ${start.level} starting-dose limit of ${start.limit} ${entry.unit}/day for ${tolerant ? 'opioid-tolerant' : 'opioid-naive (or tolerance unknown)'} patients`,
            {
              ...params,
              total: str(total),
              max: start.limit,
              unit: entry.unit,
            },
          );
        }
      }
    }
    if (entry !== undefined && delivered) {
      const total = convertMass(withBolus, mass, entry.unit);
      const ceiling = levelAbove(total, entry.dailyDose.max);
      if (ceiling) {
        add(
          'BOLUS_DAILY_TOTAL_ABOVE_MAX',
          ceiling.level,
          `with this bolus the patient can receive ${str(total)} ${entry.unit}/day in 24 hours, above the ${ceiling.level} maximum of ${ceiling.limit} ${entry.unit}/day`,
          {
            component: String(index),
            drug: component.drug,
            dose: str(total),
            max: ceiling.limit,
            unit: `${entry.unit}/day`,
          },
        );
      }
    }
    return {
      drug: component.drug,
      dose: { value: str(dose), unit: mass },
      total24hBefore: dailyDoseQ(toPlaces(before, ROUNDING.dosePlaces), mass),
      total24hWith: dailyDoseQ(toPlaces(withBolus, ROUNDING.dosePlaces), mass),
      clinicianBoluses: {
        hours,
        count: inWindow.length,
        before: { value: str(toPlaces(windowBefore, ROUNDING.dosePlaces)), unit: mass },
        with: { value: str(toPlaces(windowWith, ROUNDING.dosePlaces)), unit: mass },
      },
    };
  });
  return {
    rate: { value: str(toPlaces(volume.mul(60).div(input.durationMinutes), ROUNDING.volumePlaces)), unit: 'mL/h' },
    doses,
    earlier: earlier.filter((b) => now - Date.parse(b.at) < longest * HOUR_MS),
  };
}
