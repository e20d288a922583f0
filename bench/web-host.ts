import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, timeEach, type Benchmark } from './harness';

/** Starts `args` with Node, waits for the printed `open: URL`, fetches the page, stops it. */
async function startToFirstPage(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /open:\s+(http:\/\/\S+)/.exec(out);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${String(code)}: ${out}`)));
    });
    const res = await fetch(url);
    if (!res.ok) throw new Error(`first page answered ${res.status}`);
    await res.text();
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
}

const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('<html></html>')).listen(0, '127.0.0.1', function () {
  process.stdout.write('open: http://127.0.0.1:' + this.address().port + '/\\n');
});`;

export const webHostStart: Benchmark = {
  name: 'web host: start to first served page',
  async run({ smoke }) {
    const dir = mkdtempSync(join(tmpdir(), 'pump-bench-'));
    const count = smoke ? 1 : 7;
    try {
      let i = 0;
      const host = await timeEach(count, () =>
        startToFirstPage(['dist/web/server.cjs', '--port', '0', '--simulator', '--db', join(dir, `b${i++}.sqlite`)], {
          ...process.env,
          PUMP_AUDIT_KEY_DIR: join(dir, 'keys'),
        }),
      );
      const bare = await timeEach(count, () => startToFirstPage(['-e', BARE_SERVER]));
      const value = median(host);
      const baseline = median(bare);
      return {
        name: this.name,
        value,
        unit: 'ms',
        baselineName: 'bare node:http server',
        baseline,
        ratio: value / baseline,
        samples: count,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
