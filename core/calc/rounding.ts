/**
 * The rounding rules of every calculation, in one place (docs/calculations.md explains each).
 * Rates are rounded to the pump model's resolution; these cover the derived figures.
 */
export const ROUNDING = {
  /** Derived volumes (mL): 0.0001 mL. */
  volumePlaces: 4,
  /** Derived doses (mg or mcg, per day or per hour): 4 decimal places of the entered unit. */
  dosePlaces: 4,
  /** Durations in hours: 0.01 h (36 s). */
  hoursPlaces: 2,
  /** Days to the low-reservoir alarm: 0.01 day, always rounded down (never later than reality). */
  daysPlaces: 2,
  /** Percent changes shown beside old and new values: 0.1 %. */
  percentPlaces: 1,
} as const;
