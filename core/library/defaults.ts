import type { z } from 'zod';
import { DrugLibrarySchema, type DrugLibrary } from './schema';

const CONSENSUS = 'Polyanalgesic Consensus Conference recommendations as summarised in PRODUCT.md (to verify by the site pharmacist)';
const LABEL = 'Product labelling as summarised in PRODUCT.md (to verify by the site pharmacist)';
const SITE = 'Project default pending site confirmation';

/**
 * The built-in default drug library. Every figure names its source; none is for clinical use
 * until a pharmacist has confirmed it (`confirmedBy`). A site replaces it with its own.
 */
const defaults: z.input<typeof DrugLibrarySchema> = {
  name: 'Built-in defaults',
  version: 1,
  confirmedBy: null,
  entries: [
    {
      drug: 'morphine',
      unit: 'mg',
      concentration: {
        max: { soft: '20', hard: '25', source: `soft: consensus maximum 20 mg/mL (${CONSENSUS}); hard: highest marketed product 25 mg/mL` },
        products: ['10', '25'],
        productsLevel: 'soft',
        productsSource: `Preservative-free morphine 10 and 25 mg/mL (${LABEL})`,
      },
      dailyDose: { max: { soft: '15', hard: '25', source: `soft: consensus maximum 15 mg/day; caution above 20 mg/day (${CONSENSUS}); hard: ${SITE}` } },
      increasePercent: {
        cancer: { soft: '50', hard: '100', source: `≤ 50 % per change in cancer pain (${CONSENSUS}); hard: doubling, ${SITE}` },
        nonCancer: { soft: '30', hard: '100', source: `≤ 30 % per change in non-cancer pain (${CONSENSUS}); hard: doubling, ${SITE}` },
        unknown: { soft: '30', hard: '100', source: `indication unknown: the stricter non-cancer limit; hard: doubling, ${SITE}` },
      },
      stabilityDays: { days: 90, source: `Morphine 90 days in the pump (${LABEL})` },
    },
    {
      drug: 'hydromorphone',
      unit: 'mg',
      concentration: { max: { soft: '15', source: `consensus maximum 15 mg/mL (${CONSENSUS})` }, productsLevel: 'soft' },
      dailyDose: { max: { soft: '10', source: `consensus maximum 10 mg/day (${CONSENSUS})` } },
      increasePercent: {
        cancer: { soft: '50', hard: '100', source: `as morphine (${CONSENSUS})` },
        nonCancer: { soft: '30', hard: '100', source: `as morphine (${CONSENSUS})` },
        unknown: { soft: '30', hard: '100', source: `indication unknown: the stricter limit (${CONSENSUS})` },
      },
    },
    {
      drug: 'ziconotide',
      unit: 'mcg',
      concentration: {
        max: { hard: '100', source: `highest marketed product 100 mcg/mL (${LABEL})` },
        products: ['25', '100'],
        productsLevel: 'soft',
        productsSource: `Ziconotide 25 and 100 mcg/mL (${LABEL})`,
      },
      dailyDose: { max: { hard: '19.2', source: `maximum 19.2 mcg/day (${LABEL})` } },
      startDose: { soft: '2.4', source: `start at ≤ 2.4 mcg/day (${LABEL})` },
      increaseAbsolute: { soft: '2.4', source: `titrate by ≤ 2.4 mcg/day per step (${LABEL})` },
      window: { hours: 168, maxIncreases: { soft: '3', source: `≤ 2–3 titration steps per week (${LABEL})` } },
    },
    {
      drug: 'baclofen',
      unit: 'mcg',
      concentration: {
        max: { hard: '2000', source: `highest marketed product 2000 mcg/mL (${LABEL})` },
        products: ['50', '500', '2000'],
        productsLevel: 'soft',
        productsSource: `Baclofen intrathecal 50, 500 and 2000 mcg/mL (${LABEL})`,
      },
      window: {
        hours: 24,
        maxIncreasePercent: { soft: '30', source: `+10–30 % per 24 h (spinal origin), +5–15 % (cerebral origin) (${LABEL})` },
      },
      decreasePercent: { soft: '50', source: `baclofen withdrawal is life-threatening; large reductions need a reason (${SITE})` },
    },
    {
      drug: 'bupivacaine',
      unit: 'mg',
      concentration: { max: { soft: '30', source: `consensus maximum 30 mg/mL (${CONSENSUS})` }, productsLevel: 'soft' },
      dailyDose: { max: { soft: '10', source: `consensus maximum about 10 mg/day (${CONSENSUS})` } },
    },
    {
      drug: 'clonidine',
      unit: 'mcg',
      concentration: { max: { soft: '1000', source: `consensus maximum 1000 mcg/mL (${CONSENSUS})` }, productsLevel: 'soft' },
      dailyDose: {
        min: { soft: '40', source: `usual range 40–600 mcg/day (${CONSENSUS})` },
        max: { soft: '600', source: `usual range 40–600 mcg/day (${CONSENSUS})` },
      },
      decreasePercent: { soft: '50', source: `clonidine withdrawal can cause a hypertensive crisis (${SITE})` },
    },
  ],
};

/** Parsed through the same schema as a site's file, so the defaults obey every rule a site's must. */
export const defaultLibrary: DrugLibrary = DrugLibrarySchema.parse(defaults);
