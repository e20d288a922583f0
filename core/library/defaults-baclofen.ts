import { LIORESAL, SITE, src, peakToAverage, bolusWindow, type DefaultEntry } from './defaults-sources';

// The default entry of baclofen, for spasticity.

export const baclofen: DefaultEntry = {
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
};
