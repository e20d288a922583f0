import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { KeyProtection } from '../db/audit/keys';
import { RENDERER_CSP, rendererFileHeaders } from '../services/renderer-assets';

// The desktop shell's policies, kept free of the Electron module so that tests can drive them
// with stand-ins (the Electron binary does not run here); main/index.ts wires the real objects.

/** The renderer is served from this privileged scheme, never from file://. */
export const APP_SCHEME = 'app';
const APP_HOST = 'programmer';
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>): void;
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

/**
 * Registers `app:` as a standard, secure scheme (its own origin, fetch allowed, service workers
 * and other hosts not): must run before the app is ready.
 */
export function registerAppScheme(protocol: Pick<ProtocolLike, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        corsEnabled: false,
        allowServiceWorkers: false,
        bypassCSP: false,
        stream: false,
      },
    },
  ]);
}

/**
 * Serves the built renderer under `app://programmer/`: only files inside `rendererDir`, only
 * GET, with the renderer's Content-Security-Policy and nosniff. Anything else is 404.
 */
export function appRequestHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rendererDir);
  const notFound = () =>
    new Response('Not found', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': RENDERER_CSP },
    });
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return notFound();
    }
    if (
      url.protocol !== `${APP_SCHEME}:` ||
      url.host !== APP_HOST ||
      (request.method !== 'GET' && request.method !== 'HEAD')
    )
      return notFound();
    let relative: string;
    try {
      relative =
        url.pathname === '/' ? 'index.html' : normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
    } catch {
      return notFound();
    }
    const file = join(root, relative);
    if (!file.startsWith(root + sep) || relative.split(/[/\\]/).includes('..')) return notFound();
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return notFound();
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...rendererFileHeaders(extname(file)), 'Cache-Control': 'no-store' },
    });
  };
}

export interface ShellAppLike {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

/**
 * One instance only: a second start hands over to the first (which comes to the front) and quits.
 * Returns false in the second instance.
 */
export function claimSingleInstance(app: ShellAppLike, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', focusExisting);
  return true;
}

/** In a packaged build: no application menu (no reload, no DevTools shortcut). */
export function applyMenuPolicy(
  app: Pick<ShellAppLike, 'isPackaged'>,
  menu: { setApplicationMenu(menu: null): void },
): void {
  if (app.isPackaged) menu.setApplicationMenu(null);
}

/** DevTools only while developing; a packaged build closes them if they open anyway. */
export function devToolsAllowed(app: Pick<ShellAppLike, 'isPackaged'>): boolean {
  return !app.isPackaged;
}

export interface WebContentsLike {
  on(event: 'devtools-opened', listener: () => void): unknown;
  closeDevTools(): void;
}

export function forbidDevTools(app: Pick<ShellAppLike, 'isPackaged'>, contents: WebContentsLike): void {
  if (devToolsAllowed(app)) return;
  contents.on('devtools-opened', () => contents.closeDevTools());
}

/** Electron's safeStorage, as far as the key protection uses it. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(stored: Buffer): string;
}

class KeyStoreRefusedError extends Error {}

/** The switch (or environment variable) with which an administrator accepts keys kept without an OS key store on Linux. */
export const ACCEPT_BASIC_TEXT_SWITCH = 'accept-basic-text-key-store';
export const ACCEPT_BASIC_TEXT_ENV = 'PUMP_ACCEPT_BASIC_TEXT_KEY_STORE';

/**
 * How the desktop app wraps its keys at rest (the database key and the audit keys): with the
 * operating system's key store. On Linux without a keyring, Electron falls back to `basic_text`
 * (a fixed, public password): then the app refuses to start unless an administrator accepted it
 * (`--accept-basic-text-key-store` or PUMP_ACCEPT_BASIC_TEXT_KEY_STORE=1): the keys are then
 * protected by their file permissions only (0600 in a 0700 folder).
 */
export function desktopKeyProtection(
  storage: SafeStorageLike,
  options: { platform: NodeJS.Platform; acceptBasicText: boolean },
): KeyProtection | undefined {
  const backend = options.platform === 'linux' ? storage.getSelectedStorageBackend?.() : undefined;
  const weak = !storage.isEncryptionAvailable() || backend === 'basic_text' || backend === 'unknown';
  if (weak) {
    if (!options.acceptBasicText) {
      throw new KeyStoreRefusedError(
        `No operating-system key store protects the programmer's keys here (${backend ?? 'encryption unavailable'}): on Linux, install and unlock a Secret Service keyring (GNOME Keyring, KWallet). An administrator who accepts keys protected by file permissions only can start the app with --${ACCEPT_BASIC_TEXT_SWITCH} (or ${ACCEPT_BASIC_TEXT_ENV}=1).`,
      );
    }
    // Accepted: keys already wrapped with basic_text stay readable; without safeStorage, plain files.
    if (!storage.isEncryptionAvailable()) return undefined;
  }
  return {
    encrypt: (plain) => storage.encryptString(plain.toString('hex')),
    decrypt: (stored) => Buffer.from(storage.decryptString(stored), 'hex'),
  };
}
