import { PACC, PRIALT, SITE, src, peakToAverage, bolusWindow, type DefaultEntry } from './defaults-sources';

// The default entries of the non-opioid analgesics: ziconotide, bupivacaine, clonidine.

export const ziconotide: DefaultEntry = {
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
    source: src(`first fill of a new pump replaced within 14 days; then 40 days diluted, 84 days undiluted, ${PRIALT}`),
  },
};

export const bupivacaine: DefaultEntry = {
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
};

export const clonidine: DefaultEntry = {
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
};
