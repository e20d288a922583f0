import { dec, type Dec } from './decimal';

/**
 * Pump and catheter models as data: the simulator, the calculations and the UI all read these.
 * Only the simulated models ship: they define the training pumps, so their figures are
 * authoritative for them. A site adds its real implanted models from the manufacturer's manual;
 * every figure then names its source.
 */
export interface PumpModel {
  id: string;
  name: string;
  capacityMl: string;
  /** The smallest continuous rate the pump can deliver. */
  minRateMlPerDay: string;
  maxRateMlPerDay: string;
  /** Rates are programmed in steps of this size; every rate is rounded to it before review. */
  rateResolutionMlPerDay: string;
  /** The pump reports its reservoir (and a bridge's volume left) in steps of this size, rounded down. */
  volumeResolutionMl: string;
  /** Drug held between the reservoir and the catheter port: part of every bridge and priming volume. */
  tubingVolumeMl: string;
  lowReservoirAlarmDefaultMl: string;
  maxFlexSteps: number;
  /** Days the battery runs from the elective replacement indicator (ERI) to end of service (EOS). */
  eriToEosDays: number;
  source: string;
}

export interface CatheterModel {
  id: string;
  name: string;
  /** Internal volume per cm of implanted length. */
  volumeMlPerCm: string;
  maxLengthCm: number;
  source: string;
}

const SIM_SOURCE =
  'Simulated training pump defined by this project (docs/calculations.md); minimum rate as the reference pump (docs/calculations.md).';

/** The simulated pumps differ only in their reservoir. */
const simulatedPump = (capacityMl: '20' | '40'): PumpModel => ({
  id: `sim-${capacityMl}`,
  name: `SIM-${capacityMl} simulated ${capacityMl} mL pump`,
  capacityMl,
  minRateMlPerDay: '0.048',
  maxRateMlPerDay: '24',
  rateResolutionMlPerDay: '0.001',
  volumeResolutionMl: '0.001',
  tubingVolumeMl: '0.2',
  lowReservoirAlarmDefaultMl: '2',
  maxFlexSteps: 13,
  eriToEosDays: 90,
  source: SIM_SOURCE,
});

export const pumpModels: readonly PumpModel[] = [simulatedPump('20'), simulatedPump('40')];

export const catheterModels: readonly CatheterModel[] = [
  {
    id: 'sim-cath',
    name: 'SIM intrathecal catheter',
    volumeMlPerCm: '0.0025',
    maxLengthCm: 110,
    source: 'Simulated training catheter defined by this project (docs/calculations.md).',
  },
];

export const DEFAULT_PUMP_MODEL_ID = 'sim-40';

export const findPumpModel = (id: string): PumpModel | undefined => pumpModels.find((m) => m.id === id);
/** The pump model a pump names in its status (the default model when the name is not in the table). */
export const pumpModelNamed = (name: string | undefined): PumpModel =>
  pumpModels.find((m) => m.name === name) ?? defaultPumpModel();
export const findCatheterModel = (id: string): CatheterModel | undefined => catheterModels.find((m) => m.id === id);

export const defaultPumpModel = (): PumpModel => {
  const model = findPumpModel(DEFAULT_PUMP_MODEL_ID);
  if (model === undefined) throw new Error('the default pump model is missing from the model table');
  return model;
};

export const rateResolution = (model: PumpModel): Dec => dec(model.rateResolutionMlPerDay);
