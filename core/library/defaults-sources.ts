import type { z } from 'zod';
import type { DrugEntrySchema } from './schema';

/** One drug's entry of the built-in library, as written (before the schema fills its defaults). */
export type DefaultEntry = z.input<typeof DrugEntrySchema>;

// The sources every default names (docs/drug-library.md lists each figure beside its source), and
// the figures several drugs share.
export const PACC = 'Polyanalgesic Consensus Conference 2017 (Deer TR et al., Neuromodulation 2017;20:96–132)';
export const PACC_2012 = 'Polyanalgesic Consensus Conference 2012 (Deer TR et al., Neuromodulation 2012;15:436–466)';
export const INFUMORPH = 'Infumorph (preservative-free morphine) prescribing information';
export const PRIALT = 'Prialt (ziconotide intrathecal infusion) prescribing information';
export const LIORESAL = 'Lioresal Intrathecal / Gablofen (baclofen injection) prescribing information';
export const SITE = 'project default, no published figure';
const VERIFY = 'to be verified by the site pharmacist';
export const src = (...parts: string[]): string => `${parts.join('; ')} (${VERIFY})`;

/** Every drug: a flex step may run at most this many times the day's average hourly dose. */
export const peakToAverage = {
  soft: '2.5',
  hard: '5',
  source: src(
    `flex schedules commonly double a night or day rate; a step far above the average is a bolus in the basal program, ${SITE}`,
  ),
};

/**
 * Repeated clinician boluses of a drug within 24 h: together no more than the limits of one bolus
 * (a bolus trial gives one dose and watches its effect), and a pause from the end of one to the
 * start of the next that lets its effect show.
 */
export const bolusWindow = (
  maxTotal: { soft: string; hard: string },
  interval: { soft: string; hard: string; why: string },
) => ({
  hours: 24,
  maxTotal: {
    ...maxTotal,
    source: src(
      `the clinician boluses of 24 h together held to the limits of one bolus, as a bolus trial gives one dose and observes it, ${PACC}`,
      `thresholds: ${SITE}`,
    ),
  },
  minIntervalMinutes: { soft: interval.soft, hard: interval.hard, source: src(interval.why, `thresholds: ${SITE}`) },
});
export const HYDROPHILIC = `hydrophilic opioid: its effect and respiratory depression peak hours after an intrathecal dose, ${PACC}`;
export const LIPOPHILIC = `lipophilic opioid: its effect peaks within about an hour of an intrathecal dose, ${PACC}`;

/** Opioid titration over 24 h and per change, by indication (the stricter limit when unknown). */
export const opioidTitration = {
  increasePercent: {
    cancer: {
      soft: '50',
      hard: '100',
      source: src(`≤ 50 % per change in cancer pain: ${PACC}`, `hard: doubling, ${SITE}`),
    },
    nonCancer: {
      soft: '30',
      hard: '100',
      source: src(`≤ 30 % per change in non-cancer pain: ${PACC}`, `hard: doubling, ${SITE}`),
    },
    unknown: {
      soft: '30',
      hard: '100',
      source: src(`indication unknown: the stricter non-cancer limit, ${PACC}`, `hard: doubling, ${SITE}`),
    },
  },
  decreasePercent: {
    soft: '50',
    source: src(`opioid withdrawal after large reductions, ${PACC}`, `threshold: ${SITE}`),
  },
  window: {
    hours: 24,
    maxIncreasePercent: {
      soft: '50',
      hard: '100',
      source: src(`no more than one titration step a day, ${PACC}`, `thresholds: ${SITE}`),
    },
    maxIncreases: { soft: '1', hard: '3', source: src(`one titration step per 24 h, ${PACC}`, `hard: ${SITE}`) },
  },
  withdrawalRisk: true,
};
