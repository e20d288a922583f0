import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDatabasePath } from '../services/paths';
import { openRuntime } from '../services/runtime';
import { describeStartupError } from '../services/startup-errors';
import { nodeUsb, nodeUsbAttach } from '../drivers/usb/webusb';
import { startWebHost } from './server';
import { trainingScenarios, type TrainingScenario } from '../drivers/simulator/training';
import { parseTrainingState, trainingPresetNames, type TrainingPumpState } from '../drivers/simulator/presets';

const readTrainingFile = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const USAGE = `Usage: npm run start:web -- [--port N] [--db FILE] [--simulator] [--ipv6] [--training-scenario NAME] [--training-pump PRESET|FILE]
Serves the programmer on this computer only (loopback), for a browser or a training room.
  --training-pump ${trainingPresetNames.join('|')}|FILE.json
      (training mode) the simulated pump starts in this state: drug, concentration, mode, flex
      steps, reservoir, patient bolus, battery dates (docs/workflows.md, "Training").
  --training-scenario unplug-during-programming
      (training mode) the wand comes off just after the pump commits the first program write,
      and is plugged back in two seconds later: rehearse resolving an UNCONFIRMED outcome.
  --training-scenario unplug-during-bolus
      (training mode) the same, just after the pump starts the first clinician bolus.`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        db: { type: 'string' },
        simulator: { type: 'boolean', default: false },
        ipv6: { type: 'boolean', default: false },
        'training-scenario': { type: 'string' },
        'training-pump': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 1;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a whole number from 0 to 65535\n${USAGE}\n`);
    return 1;
  }
  const scenario = args['training-scenario'];
  if (scenario !== undefined && !(trainingScenarios as readonly string[]).includes(scenario)) {
    process.stderr.write(`--training-scenario must be one of: ${trainingScenarios.join(', ')}\n${USAGE}\n`);
    return 1;
  }
  let pumpState: TrainingPumpState | undefined;
  const pumpArg = args['training-pump'];
  if (pumpArg !== undefined) {
    const text = (trainingPresetNames as readonly string[]).includes(pumpArg) ? pumpArg : readTrainingFile(pumpArg);
    const parsed =
      text === undefined ? { ok: false as const, message: `cannot read ${pumpArg}` } : parseTrainingState(text);
    if (!parsed.ok) {
      process.stderr.write(`--training-pump: ${parsed.message}\n${USAGE}\n`);
      return 1;
    }
    pumpState = parsed.state;
  }
  const training = args.simulator || scenario !== undefined || pumpState !== undefined;
  const databasePath = resolve(args.db ?? defaultDatabasePath());
  // The bundle lives in dist/web/; the built renderer in out/renderer/.
  const root = resolve(__dirname, '..', '..');
  let runtime;
  try {
    runtime = await openRuntime({
      host: 'web',
      databasePath,
      simulator: training,
      simulatorOptions: {
        ...(scenario === undefined ? {} : { scenario: scenario as TrainingScenario }),
        ...(pumpState === undefined ? {} : { pumpState }),
      },
      usb: training ? undefined : await nodeUsb(),
      workerFile: resolve(root, 'dist', 'worker', 'link-worker.cjs'),
      ...(training ? {} : { attach: await nodeUsbAttach() }),
      log: (e) => process.stderr.write(`${String((e as Error).stack ?? e)}\n`),
    });
  } catch (e) {
    process.stderr.write(`${describeStartupError(e, databasePath)}\n`);
    return 2;
  }
  const devToken = process.env['PUMP_WEB_TOKEN'];
  if (devToken !== undefined && !/^[\w-]{32,}$/.test(devToken)) {
    process.stderr.write('PUMP_WEB_TOKEN must be at least 32 letters, digits, - or _\n');
    await runtime.close();
    return 1;
  }
  const host = await startWebHost({
    dispatch: runtime.dispatch,
    rendererDir: resolve(root, 'out', 'renderer'),
    bridgeFile: resolve(root, 'dist', 'web', 'pump-api.js'),
    port,
    hostname: args.ipv6 ? '::1' : '127.0.0.1',
    // `npm run dev` keeps one token across the host's restarts, so the open page keeps working.
    ...(devToken === undefined ? {} : { token: devToken }),
  });
  process.stdout.write(
    `Pump programmer web host (loopback only)\n  database: ${databasePath}\n  open:     ${host.url}\n`,
  );
  const stop = (): void => {
    void host
      .close()
      .then(() => runtime.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`The web host could not start: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
