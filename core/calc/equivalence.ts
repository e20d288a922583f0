import { str, toPlaces } from '../decimal';
import { dailyDoseIn, type DailyDoseQ } from '../units';
import { ROUNDING } from './rounding';

/**
 * Display-only opioid equivalence help: oral : parenteral : intrathecal morphine ≈ 300 : 100 : 1.
 * The result is marked so no caller can feed it into a program: it is a rough starting point
 * from the literature, not a dose.
 */
export interface MorphineEquivalence {
  displayOnly: true;
  oral: DailyDoseQ;
  parenteral: DailyDoseQ;
  intrathecal: DailyDoseQ;
  source: string;
}

const RATIO = { oral: 300, parenteral: 100, intrathecal: 1 } as const;

export function morphineEquivalence(route: keyof typeof RATIO, dose: DailyDoseQ): MorphineEquivalence {
  const mg = dailyDoseIn(dose, 'mg').div(RATIO[route]);
  const at = (r: keyof typeof RATIO): DailyDoseQ => ({
    value: str(toPlaces(mg.mul(RATIO[r]), ROUNDING.dosePlaces)),
    unit: 'mg/day',
  });
  return {
    displayOnly: true,
    oral: at('oral'),
    parenteral: at('parenteral'),
    intrathecal: at('intrathecal'),
    source:
      'Commonly cited ratio oral:parenteral:intrathecal morphine ≈ 300:100:1 (docs/calculations.md); individual response varies widely.',
  };
}
