import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningHost {
  url: string;
  databasePath: string;
  stop(): Promise<void>;
}

/**
 * Starts the built web host exactly as `npm run start:web` does (a separate Node process on the
 * embedded defaults, with its own SQLite file) and waits for the address it prints.
 */
export async function startBuiltWebHost(
  extraArgs: string[] = [],
  prepare?: (databasePath: string, keyDir: string) => void,
  clock?: string,
  /** A folder of the test's own (database and key folder), kept when the host stops: a later host process opens them again. */
  place?: { dir: string },
): Promise<RunningHost> {
  const dir = place?.dir ?? mkdtempSync(join(tmpdir(), 'pump-e2e-'));
  const databasePath = join(dir, 'programmer.sqlite');
  prepare?.(databasePath, join(dir, 'keys'));
  const command = [process.execPath, 'dist/web/server.cjs', '--port', '0', '--db', databasePath, ...extraArgs];
  // `clock`: the host runs at this time under faketime (Debian's libfaketime), for clinic-clock tests.
  const [file, ...args] = clock === undefined ? command : ['faketime', clock, ...command];
  const child: ChildProcess = spawn(file ?? process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: `faketime` runs the host as its child and does not pass a signal
    // on, so stopping ends the whole group (the host was left running after its spec).
    detached: clock !== undefined,
    env: {
      ...process.env,
      PUMP_AUDIT_KEY_DIR: join(dir, 'keys'),
      ...(clock === undefined ? {} : { FAKETIME_DONT_FAKE_MONOTONIC: '1' }),
    },
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /open:\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${String(code)}:\n${output}`));
    });
  });
  return {
    url,
    databasePath,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => {
          if (place === undefined) rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        if (clock !== undefined && child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGTERM');
            return;
          } catch {
            // The group is gone already: the single process below.
          }
        }
        child.kill('SIGTERM');
      }),
  };
}
