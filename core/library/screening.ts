import { dec, str } from '../decimal';
import type { Drug } from '../pump';
import { convertMass, type MassUnit } from '../units';
import type { Bound, DrugEntry, DrugLibrary } from './schema';
import type { Finding } from './findings';

/**
 * The drug library's limit on one intrathecal bolus of a drug: the clinician-bolus entry
 * (`clinicianBolus.maxDose`, in the entry's unit), as the clinician-bolus rule reads it. A
 * screening-trial test dose is such a bolus, given by lumbar puncture or a temporary catheter.
 */
export function singleBolusLimit(
  library: DrugLibrary,
  drug: Drug,
): { entry: DrugEntry; maxDose: Bound | undefined; pumpBolusNotAllowed: boolean } | undefined {
  const entry = library.entries.find((e) => e.drug === drug);
  if (entry === undefined) return undefined;
  return {
    entry,
    maxDose: entry.clinicianBolus?.maxDose,
    pumpBolusNotAllowed: entry.clinicianBolus?.notAllowed === true,
  };
}

/**
 * A screening-trial test dose against the drug's single-bolus limit: hard above the hard maximum
 * (the record is refused), soft above the soft one, and soft when the library sets no limit for the
 * drug (ziconotide: no clinician bolus through the pump, so no figure for a test dose). Each finding
 * names the dose as entered, the limit and its unit, since a dose many times the usual test dose
 * is most often a unit typed wrong (mg for mcg).
 */
export function checkScreeningDose(
  library: DrugLibrary,
  drug: Drug,
  dose: { value: string; unit: MassUnit },
): Finding[] | undefined {
  const limit = singleBolusLimit(library, drug);
  if (limit === undefined) return undefined;
  const { entry, maxDose } = limit;
  const entered = `${dose.value} ${dose.unit}`;
  if (maxDose?.hard === undefined && maxDose?.soft === undefined) {
    return [
      {
        code: 'SCREENING_DOSE_NO_LIMIT',
        level: 'soft',
        message: `the drug library sets no single-bolus limit for ${drug}: check the test dose of ${entered} and its unit against the trial protocol`,
        params: { drug, dose: dose.value, unit: dose.unit },
      },
    ];
  }
  const inEntry = convertMass(dec(dose.value), dose.unit, entry.unit);
  const level =
    maxDose.hard !== undefined && inEntry.gt(maxDose.hard)
      ? 'hard'
      : maxDose.soft !== undefined && inEntry.gt(maxDose.soft)
        ? 'soft'
        : undefined;
  if (level === undefined) return [];
  const max = level === 'hard' ? (maxDose.hard ?? '') : (maxDose.soft ?? '');
  return [
    {
      code: 'SCREENING_DOSE_ABOVE_MAX',
      level,
      message: `a test dose of ${entered} ${drug} (${str(inEntry)} ${entry.unit}) is above the drug library's ${level} maximum of ${max} ${entry.unit} for one intrathecal bolus: check the unit (mg or mcg) and the dose`,
      params: { drug, dose: dose.value, unit: dose.unit, doseInLimitUnit: str(inEntry), max, limitUnit: entry.unit },
    },
  ];
}
