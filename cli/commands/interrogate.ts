import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseTrainingState, trainingPresetNames, type TrainingPumpState } from '../../drivers/simulator/presets';
import { resolve } from 'node:path';
import type { PumpStatus } from '../../core/pump';
import { appError } from '../../core/result';
import { openRuntime } from '../../services/runtime';
import { interrogate } from '../../services/interrogation';
import { selectLink } from '../../services/link-select';
import { describeStartupError } from '../../services/startup-errors';
import { nodeUsb } from '../../drivers/usb/webusb';
import { EXIT, fail, UsageError, type ExitCode, type Io } from '../output';

export async function interrogateCommand(argv: string[], io: Io): Promise<ExitCode> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        sim: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        db: { type: 'string' },
        'training-pump': { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const json = values.json;
  let pumpState: TrainingPumpState | undefined;
  const pumpArg = values['training-pump'];
  if (pumpArg !== undefined) {
    if (!values.sim) throw new UsageError('--training-pump sets up the simulated pump: use it with --sim');
    let text = pumpArg;
    if (!(trainingPresetNames as readonly string[]).includes(pumpArg)) {
      try {
        text = readFileSync(pumpArg, 'utf8');
      } catch {
        return fail(
          io,
          json,
          appError(
            'INVALID_INPUT',
            `--training-pump: not a preset (${trainingPresetNames.join(', ')}) and no such file: ${pumpArg}`,
            'training-pump',
          ),
        );
      }
    }
    const parsed = parseTrainingState(text);
    if (!parsed.ok)
      return fail(io, json, appError('INVALID_INPUT', `--training-pump: ${parsed.message}`, 'training-pump'));
    pumpState = parsed.state;
  }
  const simulatorOptions = pumpState === undefined ? {} : { pumpState };
  const usb = values.sim ? undefined : await nodeUsb();
  const choice = await selectLink({ simulator: values.sim, usb, simulatorOptions });
  if (!values.sim && choice.info.training) {
    await choice.link.close();
    return fail(
      io,
      json,
      appError(
        'WAND_NOT_FOUND',
        'no programmer wand was found; plug one in, or use --sim to interrogate the simulated pump',
      ),
    );
  }

  let status: PumpStatus;
  let recordId: number | undefined;
  if (values.db !== undefined) {
    await choice.link.close();
    const databasePath = resolve(values.db);
    let runtime;
    try {
      runtime = await openRuntime({
        host: 'cli',
        databasePath,
        simulator: values.sim,
        simulatorOptions,
        usb,
        encryptPlain: false,
      });
    } catch (e) {
      return fail(io, json, appError('STORAGE_FAILED', describeStartupError(e, databasePath)));
    }
    try {
      // The command line has no sign-in: its readings are recorded as the workstation's.
      const result = await interrogate({
        db: runtime.db,
        audit: runtime.audit,
        link: runtime.link,
        now: () => new Date(),
        actor: 'workstation:cli',
      });
      if (!result.ok) return fail(io, json, result.error);
      status = result.value.status;
      recordId = result.value.id;
    } finally {
      await runtime.close();
    }
  } else {
    const read = await choice.link.interrogate();
    await choice.link.close();
    if (!read.ok) return fail(io, json, read.error);
    status = read.value;
  }

  if (json) {
    io.out(
      `${JSON.stringify({ ...status, link: choice.info.kind, ...(recordId === undefined ? {} : { recordId }) })}\n`,
    );
  } else {
    io.out(formatStatus(status, choice.info.training, recordId));
  }
  return EXIT.ok;
}

const formatStatus = (s: PumpStatus, training: boolean, recordId: number | undefined): string => {
  const rows: Array<[string, string]> = [
    ['Mode', training ? 'TRAINING (simulated pump)' : 'wand'],
    ['Model', s.model],
    ['Serial', s.serial],
    ['Pump clock', s.pumpTime ?? 'no clock (set the pump clock)'],
    ['Drug', `${s.drug} ${s.concentration.value} ${s.concentration.unit}`],
    ['Therapy', `${s.mode}, ${s.rate.value} ${s.rate.unit}`],
    ['Daily dose', `${s.dailyDose.value} ${s.dailyDose.unit}`],
    [
      'Reservoir',
      `${s.reservoirVolume.value} mL of ${s.reservoirCapacity.value} mL (alarm at ${s.lowReservoirAlarmVolume.value} mL)`,
    ],
    ['Replace by', s.replaceByDate],
    ['Alarms', s.alarms.length === 0 ? 'none' : s.alarms.map((a) => a.code).join(', ')],
  ];
  if (recordId !== undefined) rows.push(['Recorded', `interrogation #${recordId}`]);
  return rows.map(([k, v]) => `${k.padEnd(11)} ${v}\n`).join('');
};
