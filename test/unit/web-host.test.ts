import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import i18next from 'i18next';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../core/result';
import { errorText } from '../../renderer/components/errorText';
import { en } from '../../renderer/i18n/en';
import { zhCN } from '../../renderer/i18n/zh-CN';
import { openRuntime, type Runtime } from '../../services/runtime';
import { startWebHost, type WebHost } from '../../web/server';
import { signInThrough, tempDir } from './helpers';
import { FileKeyStore } from '../../db/audit/keys';
import { RENDERER_CSP } from '../../services/renderer-assets';

let dir: string;
let cleanup: () => void;
let runtime: Runtime;
let host: WebHost;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<html><head><script type="module" src="./assets/app.js"></script></head></html>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'not for the browser');
  writeFileSync(join(dir, 'bridge.js'), '/* bridge */');
  runtime = await openRuntime({
    host: 'web',
    databasePath: join(dir, 'db.sqlite'),
    simulator: true,
    keys: new FileKeyStore(join(dir, 'keys')),
  });
  host = await startWebHost({ dispatch: runtime.dispatch, rendererDir, bridgeFile: join(dir, 'bridge.js') });
});

afterEach(async () => {
  await host.close();
  await runtime.close();
  cleanup();
});

/** Raw HTTP so that Host and Origin headers can be set the way another page or a rebinding attack would. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const url = new URL(host.origin);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = request(
        { hostname: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      if (options.body !== undefined) req.write(options.body);
      req.end();
    },
  );
}

const api = (channel: string, body: string, headers: Record<string, string> = {}) =>
  send(`/api/${channel}`, {
    method: 'POST',
    body,
    headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json', ...headers },
  });

describe('the web host', () => {
  it('listens on loopback only, and refuses any other address', async () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The type allows loopback addresses only; the run-time check must hold for untyped callers too.
    const anyAddress = '0.0.0.0' as '127.0.0.1';
    await expect(
      startWebHost({ dispatch: runtime.dispatch, rendererDir: dir, bridgeFile: dir, hostname: anyAddress }),
    ).rejects.toThrow(/loopback/);
  });

  it('serves the renderer with the bridge script first and a strict CSP', async () => {
    const page = await send('/');
    expect(page.status).toBe(200);
    expect(page.body.indexOf('pump-api.js')).toBeLessThan(page.body.indexOf('assets/app.js'));
    // The same policy as the desktop shell's, and the one the page repeats in its meta tag.
    expect(page.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await send('/pump-api.js')).body).toBe('/* bridge */');
    expect((await send('/assets/app.js')).status).toBe(200);
  });

  it('keeps the meta-tag policy of the page equal to the one both hosts send (less frame-ancestors)', () => {
    const html = readFileSync(join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const sent = RENDERER_CSP.split('; ').filter((directive) => !directive.startsWith('frame-ancestors'));
    expect(meta?.split('; ')).toEqual(sent);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await send(path);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('not for the browser');
    }
  });

  it('answers a valid API call with the contract result', async () => {
    await signInThrough(runtime.dispatch);
    const res = await api('pump:interrogate', '{}');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: { status: { serial: 'SIM000123' } } });
  });

  it('refuses a call without the token, or with a wrong one', async () => {
    const none = await send('/api/pump:interrogate', { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const wrong = await api('pump:interrogate', '{}', { Authorization: 'Bearer guessed' });
    expect(wrong.status).toBe(401);
  });

  it('refuses calls from another origin and requests for another host name', async () => {
    const otherOrigin = await api('pump:interrogate', '{}', { Origin: 'http://evil.example' });
    expect(otherOrigin.status).toBe(403);
    expect(JSON.parse(otherOrigin.body)).toMatchObject({ error: { code: 'FORBIDDEN_ORIGIN' } });
    const rebinding = await api('pump:interrogate', '{}', { Host: 'evil.example' });
    expect(rebinding.status).toBe(403);
    const sameOrigin = await api('pump:interrogate', '{}', { Origin: host.origin });
    expect(sameOrigin.status).toBe(200);
  });

  it('gives typed errors for malformed, wrongly shaped and oversize requests', async () => {
    const malformed = await api('pump:interrogate', '{not json');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const shape = await api('interrogations:list', '{"limit": -3}');
    expect(JSON.parse(shape.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'limit' } });

    const badEncoding = await send('/api/pump%E0%A4%A:interrogate', {
      method: 'POST',
      body: '{}',
      headers: { Authorization: `Bearer ${host.token}` },
    });
    expect(badEncoding.status).toBe(400);
    expect(JSON.parse(badEncoding.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const unknown = await api('pump:erase', '{}');
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });

    const big = await api('pump:interrogate', JSON.stringify({ x: 'y'.repeat(200_000) }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });

    // The host is still serving after all of the above.
    expect((await api('pump:interrogate', '{}')).status).toBe(200);
  });

  it('names every refusal, so that a Chinese user reads it in Chinese (not the host’s English)', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng: 'zh-CN',
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
    });
    const zh = i18n.getFixedT('zh-CN');
    const refusals = [
      await send('/api/pump:interrogate', { method: 'POST', body: '{}' }),
      await api('pump:interrogate', '{}', { Origin: 'http://evil.example' }),
      await api('pump:interrogate', '{}', { Host: 'evil.example' }),
      await api('pump:interrogate', '{not json'),
      await send('/api/pump:interrogate', { headers: { Authorization: `Bearer ${host.token}` } }),
      await send('/api/pump%E0%A4%A:interrogate', { method: 'POST', body: '{}' }),
      await send('/../secret.txt'),
      await send('/', { method: 'DELETE' }),
      await api('pump:interrogate', JSON.stringify({ x: 'y'.repeat(200_000) })),
    ];
    for (const res of refusals) {
      const { error } = JSON.parse(res.body) as { error: AppError };
      expect(error.key, error.message).toEqual(expect.any(String));
      const text = errorText(zh, Object.assign(new Error(error.message), error));
      // No English sentence: at most a stray word such as a method name, never three Latin words in a row.
      expect(text, error.message).not.toMatch(/[A-Za-z]+[ ,;:]+[A-Za-z]+[ ,;:]+[A-Za-z]+/);
      expect(text).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
