import type { z } from 'zod';
import { DrugLibrarySchema, type DrugLibrary } from './schema';

// The sources every default names (docs/drug-library.md lists each figure beside its source).
const PACC = 'Polyanalgesic Consensus Conference 2017 (Deer TR et al., Neuromodulation 2017;20:96–132)';
const PACC_2012 = 'Polyanalgesic Consensus Conference 2012 (Deer TR et al., Neuromodulation 2012;15:436–466)';
const INFUMORPH = 'Infumorph (preservative-free morphine) prescribing information';
const PRIALT = 'Prialt (ziconotide intrathecal infusion) prescribing information';
const LIORESAL = 'Lioresal Intrathecal / Gablofen (baclofen injection) prescribing information';
const SITE = 'project default, no published figure';
const VERIFY = 'to be verified by the site pharmacist';
const src = (...parts: string[]): string => `${parts.join('; ')} (${VERIFY})`;

/** Every drug: a flex step may run at most this many times the day's average hourly dose. */
const peakToAverage = {
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
const bolusWindow = (
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
const HYDROPHILIC = `hydrophilic opioid: its effect and respiratory depression peak hours after an intrathecal dose, ${PACC}`;
const LIPOPHILIC = `lipophilic opioid: its effect peaks within about an hour of an intrathecal dose, ${PACC}`;

/** Opioid titration over 24 h and per change, by indication (the stricter limit when unknown). */
const opioidTitration = {
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
      peakToAverage,
      concentration: {
        max: {
          soft: '20',
          hard: '25',
          source: src(
            `soft: consensus maximum 20 mg/mL, ${PACC}`,
            `hard: highest marketed product 25 mg/mL, ${INFUMORPH}`,
          ),
        },
        products: ['10', '25'],
        productsLevel: 'soft',
        productsSource: src(`preservative-free morphine 10 and 25 mg/mL, ${INFUMORPH}`),
      },
      dailyDose: {
        max: {
          soft: '15',
          hard: '25',
          source: src(`soft: consensus maximum 15 mg/day, caution above 20 mg/day, ${PACC}`, `hard: ${SITE}`),
        },
      },
      startDose: { soft: '0.5', hard: '1', source: src(`opioid-naive start 0.1–0.5 mg/day, ${PACC}`, `hard: ${SITE}`) },
      startDoseTolerant: {
        soft: '5',
        hard: '10',
        source: src(`opioid-tolerant start 1–10 mg/day (lower end first), ${PACC}`, `thresholds: ${SITE}`),
      },
      peakHourlyDose: { soft: '1', hard: '2', source: src(`twice the hourly rate of the consensus maximum, ${SITE}`) },
      ...opioidTitration,
      clinicianBolus: {
        maxDose: {
          soft: '0.5',
          hard: '1',
          source: src(`intrathecal bolus 0.1–0.5 mg (bolus trial range), ${PACC}`, `hard: ${SITE}`),
        },
        window: bolusWindow(
          { soft: '0.5', hard: '1' },
          {
            soft: '1440',
            hard: '240',
            why: `delayed respiratory depression up to 24 h after an intrathecal dose, observe 24 h, ${INFUMORPH}; ${HYDROPHILIC}`,
          },
        ),
        source: src(`a clinician bolus no larger than a bolus trial dose, ${PACC}`),
      },
      patientBolus: {
        maxDose: {
          soft: '0.5',
          hard: '1',
          source: src(`patient bolus a small fraction of the daily dose, ${PACC}`, `thresholds: ${SITE}`),
        },
        maxPerDay: { soft: '6', hard: '10', source: src(SITE) },
        tolerantOnly: true,
        source: src(`patient-activated boluses for opioid-tolerant patients only, ${PACC}`),
      },
      stabilityDays: { days: 90, source: src(`morphine 90 days in the pump, ${INFUMORPH}`) },
      morphineEquivalent: { factor: '1', source: src('the reference opioid') },
    },
    {
      drug: 'hydromorphone',
      unit: 'mg',
      peakToAverage,
      concentration: {
        max: { soft: '15', hard: '20', source: src(`consensus maximum 15 mg/mL, ${PACC}`, `hard: ${SITE}`) },
        productsLevel: 'soft',
      },
      dailyDose: {
        max: { soft: '10', hard: '15', source: src(`consensus maximum 10 mg/day, ${PACC}`, `hard: ${SITE}`) },
      },
      startDose: {
        soft: '0.15',
        hard: '0.3',
        source: src(`opioid-naive start 0.01–0.15 mg/day, ${PACC}`, `hard: ${SITE}`),
      },
      startDoseTolerant: {
        soft: '2',
        hard: '4',
        source: src(`opioid-tolerant start about one fifth of the morphine dose, ${PACC}`, `thresholds: ${SITE}`),
      },
      peakHourlyDose: {
        soft: '0.8',
        hard: '1.25',
        source: src(`twice the hourly rate of the consensus maximum, ${SITE}`),
      },
      ...opioidTitration,
      clinicianBolus: {
        maxDose: {
          soft: '0.1',
          hard: '0.2',
          source: src(`intrathecal bolus 0.025–0.1 mg (bolus trial range), ${PACC}`, `hard: ${SITE}`),
        },
        window: bolusWindow({ soft: '0.1', hard: '0.2' }, { soft: '720', hard: '240', why: HYDROPHILIC }),
        source: src(`a clinician bolus no larger than a bolus trial dose, ${PACC}`),
      },
      patientBolus: {
        maxDose: {
          soft: '0.1',
          hard: '0.2',
          source: src(`patient bolus a small fraction of the daily dose, ${PACC}`, `thresholds: ${SITE}`),
        },
        maxPerDay: { soft: '6', hard: '10', source: src(SITE) },
        tolerantOnly: true,
        source: src(`patient-activated boluses for opioid-tolerant patients only, ${PACC}`),
      },
      stabilityDays: { days: 60, source: src(`compounded hydromorphone, ${SITE}`) },
      morphineEquivalent: {
        factor: '5',
        source: src(
          `intrathecal hydromorphone about five times as potent as intrathecal morphine, ${PACC}; no reduction for incomplete cross-tolerance is built in`,
        ),
      },
    },
    {
      drug: 'fentanyl',
      unit: 'mcg',
      peakToAverage,
      concentration: {
        max: { soft: '1000', hard: '2000', source: src(`consensus maximum 2 mg/mL, ${PACC_2012}`, `soft: ${SITE}`) },
        productsLevel: 'soft',
      },
      dailyDose: {
        max: { soft: '500', hard: '1000', source: src(`no known upper limit in ${PACC}`, `thresholds: ${SITE}`) },
      },
      startDose: { soft: '75', hard: '150', source: src(`opioid-naive start 25–75 mcg/day, ${PACC}`, `hard: ${SITE}`) },
      startDoseTolerant: { soft: '200', hard: '400', source: src(SITE) },
      peakHourlyDose: { soft: '40', hard: '80', source: src(SITE) },
      ...opioidTitration,
      clinicianBolus: {
        maxDose: {
          soft: '75',
          hard: '150',
          source: src(`intrathecal bolus 15–75 mcg (bolus trial range), ${PACC}`, `hard: ${SITE}`),
        },
        window: bolusWindow({ soft: '75', hard: '150' }, { soft: '120', hard: '60', why: LIPOPHILIC }),
        source: src(`a clinician bolus no larger than a bolus trial dose, ${PACC}`),
      },
      patientBolus: {
        maxDose: { soft: '25', hard: '50', source: src(SITE) },
        maxPerDay: { soft: '6', hard: '10', source: src(SITE) },
        tolerantOnly: true,
        source: src(`patient-activated boluses for opioid-tolerant patients only, ${PACC}`),
      },
      stabilityDays: { days: 30, source: src(`compounded fentanyl, ${SITE}`) },
    },
    {
      drug: 'sufentanil',
      unit: 'mcg',
      peakToAverage,
      concentration: {
        max: { soft: '500', hard: '5000', source: src(`consensus maximum 5 mg/mL, ${PACC_2012}`, `soft: ${SITE}`) },
        productsLevel: 'soft',
      },
      dailyDose: {
        max: { soft: '200', hard: '500', source: src(`no known upper limit in ${PACC}`, `thresholds: ${SITE}`) },
      },
      startDose: { soft: '20', hard: '40', source: src(`opioid-naive start 10–20 mcg/day, ${PACC}`, `hard: ${SITE}`) },
      startDoseTolerant: { soft: '50', hard: '100', source: src(SITE) },
      peakHourlyDose: { soft: '15', hard: '30', source: src(SITE) },
      ...opioidTitration,
      clinicianBolus: {
        maxDose: {
          soft: '20',
          hard: '40',
          source: src(`intrathecal bolus 5–20 mcg (bolus trial range), ${PACC}`, `hard: ${SITE}`),
        },
        window: bolusWindow({ soft: '20', hard: '40' }, { soft: '120', hard: '60', why: LIPOPHILIC }),
        source: src(`a clinician bolus no larger than a bolus trial dose, ${PACC}`),
      },
      patientBolus: {
        maxDose: { soft: '5', hard: '10', source: src(SITE) },
        maxPerDay: { soft: '6', hard: '10', source: src(SITE) },
        tolerantOnly: true,
        source: src(`patient-activated boluses for opioid-tolerant patients only, ${PACC}`),
      },
      stabilityDays: { days: 30, source: src(`compounded sufentanil, ${SITE}`) },
    },
    {
      drug: 'ziconotide',
      unit: 'mcg',
      peakToAverage,
      concentration: {
        max: { hard: '100', source: src(`highest marketed product 100 mcg/mL, ${PRIALT}`) },
        products: ['25', '100'],
        productsLevel: 'soft',
        productsSource: src(`ziconotide 25 and 100 mcg/mL, ${PRIALT}`),
      },
      dailyDose: { max: { hard: '19.2', source: src(`maximum 19.2 mcg/day, ${PRIALT}`) } },
      startDose: {
        soft: '1.2',
        hard: '2.4',
        source: src(`start 0.5–1.2 mcg/day, ${PACC}`, `hard: start at ≤ 2.4 mcg/day, ${PRIALT}`),
      },
      increaseAbsolute: { hard: '2.4', source: src(`titrate by ≤ 2.4 mcg/day per step, ${PRIALT}`) },
      window: {
        hours: 168,
        maxIncreases: { soft: '2', hard: '3', source: src(`no more than 2–3 titration steps per week, ${PRIALT}`) },
        maxIncreaseAbsolute: {
          soft: '4.8',
          hard: '7.2',
          source: src(`2–3 steps of ≤ 2.4 mcg/day per week, ${PRIALT}`),
        },
        minIntervalHours: {
          soft: '48',
          hard: '24',
          source: src(`steps at intervals of ≥ 24 h, preferably 48 h or more, ${PRIALT}; ${PACC}`),
        },
      },
      clinicianBolus: {
        notAllowed: true,
        source: src(
          `ziconotide is given as a continuous infusion only, titrated slowly; no clinician bolus through the pump, ${PRIALT}`,
        ),
      },
      patientBolus: { notAllowed: true, source: src(`ziconotide is given as a continuous infusion only, ${PRIALT}`) },
      stabilityDays: {
        days: 40,
        firstFillDays: 14,
        undilutedDays: 84,
        source: src(
          `first fill of a new pump replaced within 14 days; then 40 days diluted, 84 days undiluted, ${PRIALT}`,
        ),
      },
    },
    {
      drug: 'baclofen',
      unit: 'mcg',
      peakToAverage,
      concentration: {
        max: { hard: '2000', source: src(`highest marketed product 2000 mcg/mL, ${LIORESAL}`) },
        products: ['50', '500', '2000'],
        productsLevel: 'soft',
        productsSource: src(`baclofen intrathecal 50, 500 and 2000 mcg/mL, ${LIORESAL}`),
      },
      concentrationMin: {
        hard: '50',
        source: src(`lowest marketed product 50 mcg/mL; a more dilute fill underdoses (withdrawal), ${LIORESAL}`),
      },
      dailyDose: {
        max: {
          soft: '1000',
          hard: '2000',
          source: src(
            `maintenance mostly 300–800 mcg/day, limited experience above 1000 mcg/day, ${LIORESAL}`,
            `hard: highest reported maintenance dose about 2000 mcg/day`,
          ),
        },
      },
      startDose: {
        soft: '200',
        hard: '400',
        source: src(`start at twice an effective screening bolus of 50–100 mcg, ${LIORESAL}`, `hard: ${SITE}`),
      },
      increasePercent: {
        cancer: {
          soft: '30',
          hard: '60',
          source: src(`+10–30 % per 24 h (spinal origin), ${LIORESAL}`, `hard: ${SITE}`),
        },
        nonCancer: {
          soft: '30',
          hard: '60',
          source: src(`+10–30 % per 24 h (spinal origin), ${LIORESAL}`, `hard: ${SITE}`),
        },
        unknown: {
          soft: '30',
          hard: '60',
          source: src(`+10–30 % per 24 h (spinal origin), ${LIORESAL}`, `hard: ${SITE}`),
        },
      },
      peakHourlyDose: {
        soft: '80',
        hard: '120',
        source: src(`twice the hourly rate of 1000 mcg/day, hard: of about 1500 mcg/day, ${SITE}`),
      },
      decreasePercent: {
        soft: '30',
        source: src(`baclofen withdrawal is life-threatening, ${LIORESAL}`, `threshold: ${SITE}`),
      },
      window: {
        hours: 24,
        maxIncreasePercent: {
          soft: '30',
          hard: '60',
          source: src(`+10–30 % per 24 h for spasticity of spinal origin, ${LIORESAL}`, `hard: ${SITE}`),
        },
        maxIncreasePercentCerebral: {
          soft: '15',
          hard: '30',
          source: src(`+5–15 % per 24 h for spasticity of cerebral origin, ${LIORESAL}`, `hard: ${SITE}`),
        },
        maxIncreases: {
          soft: '1',
          hard: '2',
          source: src(`one titration step per 24 h, ${LIORESAL}`, `hard: ${SITE}`),
        },
      },
      clinicianBolus: {
        maxDose: {
          soft: '100',
          hard: '150',
          source: src(`screening boluses of 50, 75 and 100 mcg, ${LIORESAL}`, `hard: ${SITE}`),
        },
        window: bolusWindow(
          { soft: '100', hard: '150' },
          {
            soft: '1440',
            hard: '240',
            why: `screening boluses 24 h apart, the effect peaking about 4 h after a bolus, ${LIORESAL}`,
          },
        ),
        source: src(`a clinician bolus no larger than the largest screening bolus, ${LIORESAL}`),
      },
      patientBolus: {
        maxDose: { soft: '50', hard: '100', source: src(SITE) },
        maxPerDay: { soft: '4', hard: '6', source: src(SITE) },
        source: src(SITE),
      },
      stabilityDays: { days: 90, source: src(`baclofen in the pump, ${LIORESAL}`) },
      withdrawalRisk: true,
    },
    {
      drug: 'bupivacaine',
      unit: 'mg',
      peakToAverage,
      concentration: {
        max: { soft: '30', hard: '40', source: src(`consensus maximum 30 mg/mL, ${PACC}`, `hard: ${SITE}`) },
        productsLevel: 'soft',
      },
      dailyDose: {
        max: { soft: '10', hard: '15', source: src(`consensus maximum about 10 mg/day, ${PACC}`, `hard: ${SITE}`) },
      },
      startDose: { soft: '4', hard: '8', source: src(`start 1–4 mg/day, ${PACC}`, `hard: ${SITE}`) },
      increasePercent: {
        cancer: { soft: '50', hard: '100', source: src(`as the opioids, ${PACC}`, `hard: ${SITE}`) },
        nonCancer: { soft: '30', hard: '100', source: src(`as the opioids, ${PACC}`, `hard: ${SITE}`) },
        unknown: { soft: '30', hard: '100', source: src(`as the opioids, ${PACC}`, `hard: ${SITE}`) },
      },
      window: {
        hours: 24,
        maxIncreasePercent: { soft: '50', hard: '100', source: src(SITE) },
        maxIncreases: { soft: '1', hard: '3', source: src(SITE) },
      },
      clinicianBolus: {
        maxDose: {
          soft: '2.5',
          hard: '5',
          source: src(`intrathecal bolus 0.5–2.5 mg (bolus trial range), ${PACC}`, `hard: ${SITE}`),
        },
        window: bolusWindow(
          { soft: '2.5', hard: '5' },
          {
            soft: '120',
            hard: '60',
            why: `motor and sensory block and hypotension show within the first hour, ${SITE}`,
          },
        ),
        source: src(`a clinician bolus no larger than a bolus trial dose, ${PACC}`),
      },
      patientBolus: {
        maxDose: { soft: '0.5', hard: '1', source: src(SITE) },
        maxPerDay: { soft: '6', hard: '10', source: src(SITE) },
        source: src(SITE),
      },
      stabilityDays: { days: 60, source: src(`compounded bupivacaine, ${SITE}`) },
    },
    {
      drug: 'clonidine',
      unit: 'mcg',
      peakToAverage,
      concentration: {
        max: { soft: '1000', hard: '1500', source: src(`consensus maximum 1000 mcg/mL, ${PACC}`, `hard: ${SITE}`) },
        productsLevel: 'soft',
      },
      dailyDose: {
        min: { soft: '40', source: src(`usual range 40–600 mcg/day, ${PACC}`) },
        max: { soft: '600', hard: '1000', source: src(`usual range 40–600 mcg/day, ${PACC}`, `hard: ${SITE}`) },
      },
      startDose: { soft: '100', hard: '200', source: src(`start 20–100 mcg/day, ${PACC}`, `hard: ${SITE}`) },
      increasePercent: {
        cancer: { soft: '50', hard: '100', source: src(`as the opioids, ${PACC}`, `hard: ${SITE}`) },
        nonCancer: { soft: '30', hard: '100', source: src(`as the opioids, ${PACC}`, `hard: ${SITE}`) },
        unknown: { soft: '30', hard: '100', source: src(`as the opioids, ${PACC}`, `hard: ${SITE}`) },
      },
      decreasePercent: {
        soft: '30',
        source: src(`clonidine withdrawal can cause a hypertensive crisis, ${PACC}`, `threshold: ${SITE}`),
      },
      window: {
        hours: 24,
        maxIncreasePercent: { soft: '50', hard: '100', source: src(SITE) },
        maxIncreases: { soft: '1', hard: '3', source: src(SITE) },
      },
      clinicianBolus: {
        maxDose: {
          soft: '20',
          hard: '50',
          source: src(`intrathecal bolus 5–20 mcg (bolus trial range), ${PACC}`, `hard: ${SITE}`),
        },
        window: bolusWindow(
          { soft: '20', hard: '50' },
          {
            soft: '240',
            hard: '120',
            why: `hypotension and sedation peak within hours of an intrathecal dose, ${SITE}`,
          },
        ),
        source: src(`a clinician bolus no larger than a bolus trial dose, ${PACC}`),
      },
      patientBolus: {
        maxDose: { soft: '20', hard: '50', source: src(SITE) },
        maxPerDay: { soft: '6', hard: '10', source: src(SITE) },
        source: src(SITE),
      },
      stabilityDays: { days: 60, source: src(`compounded clonidine, ${SITE}`) },
      withdrawalRisk: true,
    },
  ],
};

/** Parsed through the same schema as a site's file, so the defaults obey every rule a site's must. */
export const defaultLibrary: DrugLibrary = DrugLibrarySchema.parse(defaults);
