import {
  PACC,
  PACC_2012,
  INFUMORPH,
  SITE,
  src,
  peakToAverage,
  bolusWindow,
  HYDROPHILIC,
  LIPOPHILIC,
  opioidTitration,
  type DefaultEntry,
} from './defaults-sources';

// The default entries of the intrathecal opioids.

export const morphine: DefaultEntry = {
  drug: 'morphine',
  unit: 'mg',
  peakToAverage,
  concentration: {
    max: {
      soft: '20',
      hard: '25',
      source: src(`soft: consensus maximum 20 mg/mL, ${PACC}`, `hard: highest marketed product 25 mg/mL, ${INFUMORPH}`),
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
};

export const hydromorphone: DefaultEntry = {
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
};

export const fentanyl: DefaultEntry = {
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
};

export const sufentanil: DefaultEntry = {
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
};
