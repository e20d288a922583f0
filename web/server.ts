import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve as resolvePath, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MAX_PAYLOAD_BYTES } from '../core/api/channels';
import { said } from '../core/messages';
import { err, type AppError, type Result } from '../core/result';
import type { Dispatch } from '../services/dispatch';
import { rendererFileHeaders } from '../services/renderer-assets';

export interface WebHostOptions {
  dispatch: Dispatch;
  /** The built renderer (`out/renderer`). */
  rendererDir: string;
  /** The built browser-side API bridge (`dist/web/pump-api.js`). */
  bridgeFile: string;
  port?: number;
  hostname?: '127.0.0.1' | '::1';
  /** Fixed token for tests; a fresh random one per launch otherwise. */
  token?: string;
}

export interface WebHost {
  /** The URL to open, with the token in its fragment (never sent to the server by a browser). */
  url: string;
  origin: string;
  token: string;
  server: Server;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1']);

/**
 * Serves the built renderer and the API contract over loopback HTTP. Every API request needs the
 * per-launch token and, when a browser sends an Origin or Host, one of this server's own
 * (guards against other web pages and DNS rebinding).
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const hostname = options.hostname ?? '127.0.0.1';
  if (!LOOPBACK.has(hostname)) throw new Error(`The web host only listens on loopback, not ${String(hostname)}`);
  const token = options.token ?? randomBytes(32).toString('base64url');
  const rendererDir = resolvePath(options.rendererDir);
  const server = createServer((req, res) => {
    handle(req, res).catch(() => sendJson(res, 500, err(said('INTERNAL', 'hostInternalError', {}))));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = hostname === '::1' ? `[::1]:${port}` : `${hostname}:${port}`;
  const origin = `http://${hostPart}`;
  const allowedHosts = new Set([hostPart, `localhost:${port}`]);
  const allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      return sendJson(res, 403, err(said('FORBIDDEN_ORIGIN', 'hostUnexpectedHost', {})));
    }
    const url = new URL(req.url ?? '/', origin);
    try {
      decodeURIComponent(url.pathname);
    } catch {
      return sendJson(res, 400, err(said('INVALID_INPUT', 'hostBadAddress', {})));
    }
    if (url.pathname.startsWith('/api/')) {
      return handleApi(req, res, decodeURIComponent(url.pathname.slice('/api/'.length)));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, err(said('INVALID_INPUT', 'hostMethodNotAllowed', { method: req.method ?? '' })));
    return serveStatic(res, url.pathname);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && !allowedOrigins.has(requestOrigin)) {
      return sendJson(res, 403, err(said('FORBIDDEN_ORIGIN', 'hostOtherOrigin', {})));
    }
    if (!tokenMatches(req.headers.authorization, token)) {
      return sendJson(res, 401, err(said('UNAUTHORIZED', 'hostWrongToken', {})));
    }
    if (req.method !== 'POST')
      return sendJson(res, 405, err(said('INVALID_INPUT', 'hostMethodNotAllowed', { method: req.method ?? '' })));
    const body = await readBody(req);
    if (!body.ok) return sendJson(res, body.error.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400, body);
    let input: unknown;
    try {
      input = body.value.length === 0 ? {} : JSON.parse(body.value);
    } catch {
      return sendJson(res, 400, err(said('INVALID_INPUT', 'hostNotJson', {})));
    }
    const result = await options.dispatch(channel, input);
    return sendJson(res, 200, result);
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    if (pathname === '/pump-api.js') return sendFile(res, options.bridgeFile);
    const relative = pathname === '/' ? 'index.html' : normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '');
    const file = join(rendererDir, relative);
    if (!file.startsWith(rendererDir + sep) || relative.split(/[/\\]/).includes('..')) {
      return sendJson(res, 404, err(said('INVALID_INPUT', 'hostNotFound', {})));
    }
    if (relative === 'index.html') {
      const html = await readFile(file, 'utf8');
      // The bridge is a classic script, so it runs before the renderer's module scripts.
      const withBridge = html.replace('<script', '<script defer src="./pump-api.js"></script>\n    <script');
      res.writeHead(200, securityHeaders('.html'));
      res.end(withBridge);
      return;
    }
    return sendFile(res, file);
  }

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const securityHeaders = (ext: string): Record<string, string> => ({
  ...rendererFileHeaders(ext),
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

async function sendFile(res: ServerResponse, file: string): Promise<void> {
  try {
    const content = await readFile(file);
    res.writeHead(200, securityHeaders(extname(file)));
    res.end(content);
  } catch {
    sendJson(res, 404, err(said('INVALID_INPUT', 'hostNotFound', {})));
  }
}

function sendJson(res: ServerResponse, status: number, body: Result<unknown>): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...securityHeaders('.json'), 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: IncomingMessage): Promise<Result<string, AppError>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) {
        done = true;
        resolve(
          err(said('PAYLOAD_TOO_LARGE', 'payloadTooLarge', { size: String(size), limit: String(MAX_PAYLOAD_BYTES) })),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve({ ok: true, value: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', () => {
      if (!done) resolve(err(said('INVALID_INPUT', 'hostUnreadable', {})));
    });
  });
}
