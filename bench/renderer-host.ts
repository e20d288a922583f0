import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { FileKeyStore } from '../db/audit/keys';
import { createFirstAdmin, createUser } from '../services/auth/accounts';
import { openRuntime, type Runtime } from '../services/runtime';
import { startWebHost } from '../web/server';
import { findBrowser, NO_BROWSER } from '../scripts/browser.mjs';

// What the renderer benchmarks stand on: the built app and the baseline page, a browser, and the
// app behind the real web host.

export const ROOT = resolve(__dirname, '..', '..');
export const APP_DIR = join(ROOT, 'out', 'renderer');
export const BASELINE_DIR = join(ROOT, 'out', 'bench-baseline');
export const PASSWORD = 'bench passphrase 1';

/** Serves a built page's folder (the baseline page) as a plain static server. */
export function staticServer(dir: string): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')));
    const file = path.endsWith('/') || path === dir ? join(dir, 'index.html') : path;
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () =>
      r({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server }),
    ),
  );
}

export const launch = (): Promise<Browser> => {
  const executablePath = findBrowser();
  if (executablePath === undefined) throw new Error(NO_BROWSER);
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
};

/** An app runtime with users (and optionally a long audit trail) behind the real web host. */
export async function appHost(
  dir: string,
  auditRecords = 0,
): Promise<{ url: string; runtime: Runtime; close: () => Promise<void> }> {
  const keys = new FileKeyStore(join(dir, 'keys'));
  const runtime = await openRuntime({ host: 'web', databasePath: join(dir, 'app.sqlite'), simulator: true, keys });
  const deps = { db: runtime.db, audit: runtime.audit, now: () => new Date() };
  const admin = await createFirstAdmin(deps, { username: 'admin', displayName: 'Admin', password: PASSWORD });
  if (!admin.ok) throw new Error(admin.error.message);
  await createUser(deps, admin.value, {
    username: 'dr.li',
    displayName: 'Dr Li',
    password: PASSWORD,
    role: 'physician',
  });
  for (let done = 0; done < auditRecords; done += 5000) {
    runtime.audit.commit(() => {
      for (let i = done; i < Math.min(auditRecords, done + 5000); i++) {
        runtime.audit.append({
          atUtc: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
          actor: 'dr.li',
          role: 'physician',
          patientId: 'P-0001',
          pumpSerial: 'SIM000123',
          action: 'pump.interrogate',
          new: { n: i },
          outcome: 'confirmed',
        });
      }
    });
  }
  const host = await startWebHost({
    dispatch: runtime.dispatch,
    rendererDir: APP_DIR,
    bridgeFile: join(ROOT, 'dist', 'web', 'pump-api.js'),
    port: 0,
    hostname: '127.0.0.1',
  });
  return {
    url: host.url,
    runtime,
    close: async () => {
      await host.close();
      await runtime.close();
    },
  };
}
