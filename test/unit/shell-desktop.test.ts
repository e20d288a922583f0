import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import {
  APP_INDEX_URL,
  appRequestHandler,
  applyMenuPolicy,
  claimSingleInstance,
  desktopKeyProtection,
  forbidDevTools,
  registerAppScheme,
  type SafeStorageLike,
} from '../../main/shell';
import { RENDERER_CSP } from '../../services/renderer-assets';
import { trustedUrlCheck } from '../../main/ipc/register';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => {
  cleanup();
  vi.resetModules();
  vi.doUnmock('electron');
});

describe('the renderer from the app:// scheme', () => {
  it('is a standard, secure scheme that does not bypass the CSP', () => {
    const registered: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (s) => registered.push(...s) });
    expect(registered).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({
          standard: true,
          secure: true,
          bypassCSP: false,
          allowServiceWorkers: false,
        }) as unknown,
      },
    ]);
  });

  it('serves only the built renderer, with the CSP, and nothing outside it', async () => {
    const renderer = join(dir, 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    const handle = appRequestHandler(renderer);
    const index = await handle(new Request(APP_INDEX_URL));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).not.toMatch(/script-src[^;]*unsafe/);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('<title>x</title>');
    expect((await handle(new Request('app://programmer/assets/app.js'))).headers.get('content-type')).toContain(
      'javascript',
    );
    for (const url of [
      'app://programmer/%2e%2e/secret.txt',
      'app://programmer/..%2fsecret.txt',
      'app://other/index.html',
      'app://programmer/missing.js',
    ]) {
      expect((await handle(new Request(url))).status).toBe(404);
    }
    expect((await handle(new Request(APP_INDEX_URL, { method: 'POST', body: 'x' }))).status).toBe(404);
  });

  it('trusts IPC only from app://programmer/index.html', () => {
    const trusted = trustedUrlCheck(APP_INDEX_URL, undefined);
    expect(trusted('app://programmer/index.html#/patients')).toBe(true);
    expect(trusted('file:///opt/programmer/resources/app.asar/out/renderer/index.html')).toBe(false);
    expect(trusted('app://other/index.html')).toBe(false);
  });
});

describe('the packaged shell', () => {
  it('one instance only: a second start quits; the first comes to the front', () => {
    const quit = vi.fn();
    let secondInstance: (() => void) | undefined;
    const focus = vi.fn();
    expect(
      claimSingleInstance(
        { isPackaged: true, requestSingleInstanceLock: () => false, quit, on: () => undefined },
        focus,
      ),
    ).toBe(false);
    expect(quit).toHaveBeenCalledOnce();
    expect(
      claimSingleInstance(
        { isPackaged: true, requestSingleInstanceLock: () => true, quit, on: (_e, l) => (secondInstance = l) },
        focus,
      ),
    ).toBe(true);
    secondInstance?.();
    expect(focus).toHaveBeenCalledOnce();
  });

  it('no application menu and no DevTools when packaged; both while developing', () => {
    const setApplicationMenu = vi.fn();
    applyMenuPolicy({ isPackaged: false }, { setApplicationMenu });
    expect(setApplicationMenu).not.toHaveBeenCalled();
    applyMenuPolicy({ isPackaged: true }, { setApplicationMenu });
    expect(setApplicationMenu).toHaveBeenCalledWith(null);
    let opened: (() => void) | undefined;
    const contents = { on: (_e: 'devtools-opened', l: () => void) => (opened = l), closeDevTools: vi.fn() };
    forbidDevTools({ isPackaged: true }, contents);
    opened?.();
    expect(contents.closeDevTools).toHaveBeenCalledOnce();
  });
});

describe('the desktop app’s keys and the OS key store', () => {
  const storage = (backend: string, available = true): SafeStorageLike => ({
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => Buffer.from(`wrapped:${s}`),
    decryptString: (b) => b.toString().replace(/^wrapped:/, ''),
  });

  it('wraps keys with the Secret Service, Keychain or DPAPI', () => {
    const p = desktopKeyProtection(storage('gnome_libsecret'), { platform: 'linux', acceptBasicText: false });
    const key = Buffer.alloc(32, 7);
    expect(p?.decrypt(p.encrypt(key))).toEqual(key);
    expect(desktopKeyProtection(storage('unknown'), { platform: 'darwin', acceptBasicText: false })).toBeDefined();
  });

  it('refuses Linux’s basic_text fallback unless an administrator accepted it', () => {
    expect(() => desktopKeyProtection(storage('basic_text'), { platform: 'linux', acceptBasicText: false })).toThrow(
      /--accept-basic-text-key-store/,
    );
    expect(() =>
      desktopKeyProtection(storage('gnome_libsecret', false), { platform: 'linux', acceptBasicText: false }),
    ).toThrow(/key store/);
    expect(desktopKeyProtection(storage('basic_text'), { platform: 'linux', acceptBasicText: true })).toBeDefined();
    expect(
      desktopKeyProtection(storage('basic_text', false), { platform: 'linux', acceptBasicText: true }),
    ).toBeUndefined();
  });
});

/** Electron stand-ins for main/index.ts: records what the entry point does with each module. */
function electronStandIn(options: { lock: boolean; packaged: boolean; userData: string; backend?: string }) {
  const calls: string[] = [];
  const handlers = new Map<string, (r: Request) => Promise<Response>>();
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const windows: Array<{ url?: string; webPreferences: Record<string, unknown> }> = [];
  const errors: string[] = [];
  class BrowserWindow {
    static fromWebContents = () => null;
    readonly record: { url?: string; webPreferences: Record<string, unknown> };
    webContents = {
      setWindowOpenHandler: () => undefined,
      on: (e: string) => calls.push(`webContents.on:${e}`),
      closeDevTools: () => undefined,
    };
    constructor(o: { webPreferences: Record<string, unknown> }) {
      this.record = { webPreferences: o.webPreferences };
      windows.push(this.record);
    }
    once() {}
    loadURL(url: string) {
      this.record.url = url;
      return Promise.resolve();
    }
    loadFile(file: string) {
      this.record.url = `file://${file}`;
      return Promise.resolve();
    }
    isMinimized = () => false;
    focus() {}
  }
  const app = {
    isPackaged: options.packaged,
    commandLine: { hasSwitch: () => false },
    enableSandbox: () => calls.push('enableSandbox'),
    requestSingleInstanceLock: () => (calls.push('requestSingleInstanceLock'), options.lock),
    quit: () => calls.push('quit'),
    exit: (code: number) => calls.push(`exit:${code}`),
    on: (e: string) => calls.push(`app.on:${e}`),
    whenReady: () => (calls.push('whenReady'), readyPromise),
    getPath: (name: string) => (name === 'userData' ? options.userData : join(options.userData, name)),
  };
  const module = {
    app,
    BrowserWindow,
    Menu: { setApplicationMenu: (m: unknown) => calls.push(`setApplicationMenu:${String(m)}`) },
    protocol: {
      registerSchemesAsPrivileged: (s: Array<{ scheme: string }>) =>
        calls.push(`registerSchemesAsPrivileged:${s.map((x) => x.scheme).join()}`),
      handle: (scheme: string, h: (r: Request) => Promise<Response>) => handlers.set(scheme, h),
    },
    dialog: { showErrorBox: (_t: string, m: string) => errors.push(m) },
    ipcMain: { handle: () => undefined, removeHandler: () => undefined },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(s.split('').reverse().join('')),
      decryptString: (b: Buffer) => b.toString().split('').reverse().join(''),
    },
  };
  return { module, calls, handlers, windows, errors, ready };
}

describe('main/index.ts through an Electron stand-in', () => {
  const load = async (stand: ReturnType<typeof electronStandIn>) => {
    vi.doMock('electron', () => stand.module);
    vi.doMock('../../drivers/usb/webusb', () => ({
      nodeUsb: () => Promise.resolve(undefined),
      nodeUsbAttach: () => Promise.resolve(undefined),
    }));
    await import('../../main/index');
  };

  it('a second instance registers the scheme, then quits without starting', async () => {
    const stand = electronStandIn({ lock: false, packaged: true, userData: dir });
    await load(stand);
    expect(stand.calls).toEqual([
      'registerSchemesAsPrivileged:app',
      'enableSandbox',
      'requestSingleInstanceLock',
      'quit',
    ]);
  });

  it('the packaged app: app:// renderer, no menu, no DevTools, the store encrypted with an OS-wrapped key', async () => {
    const stand = electronStandIn({ lock: true, packaged: true, userData: dir });
    process.env['PUMP_DB'] = join(dir, 'programmer.sqlite');
    try {
      await load(stand);
      expect(stand.calls.indexOf('registerSchemesAsPrivileged:app')).toBeLessThan(stand.calls.indexOf('whenReady'));
      stand.ready();
      await vi.waitFor(() => expect(stand.windows).toHaveLength(1), { timeout: 10_000 });
      expect(stand.errors).toEqual([]);
      expect(stand.windows[0]).toMatchObject({
        url: APP_INDEX_URL,
        webPreferences: { devTools: false, sandbox: true, contextIsolation: true, nodeIntegration: false },
      });
      expect(stand.calls).toContain('setApplicationMenu:null');
      expect(stand.calls).toContain('webContents.on:devtools-opened');
      expect(stand.handlers.has('app')).toBe(true);
      const key = readFileSync(join(dir, 'audit-keys', 'database.key'));
      expect(key.toString('latin1').startsWith('os-key-store:v1\n')).toBe(true);
      expect(statSync(join(dir, 'programmer.sqlite')).mode & 0o777).toBe(0o600);
    } finally {
      delete process.env['PUMP_DB'];
    }
  });

  it('refuses to start on Linux’s basic_text key store unless accepted', async (ctx) => {
    if (process.platform !== 'linux') return ctx.skip();
    const stand = electronStandIn({ lock: true, packaged: true, userData: dir, backend: 'basic_text' });
    process.env['PUMP_DB'] = join(dir, 'programmer.sqlite');
    try {
      await load(stand);
      stand.ready();
      await vi.waitFor(() => expect(stand.calls).toContain('exit:2'), { timeout: 10_000 });
      expect(stand.errors.join('\n')).toContain('--accept-basic-text-key-store');
      expect(stand.windows).toHaveLength(0);
    } finally {
      delete process.env['PUMP_DB'];
    }
  });
});

describe('electron-builder', () => {
  it('is pinned to an exact version and unpacks the cipher build of SQLite', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/);
    const config = parse(readFileSync('electron-builder.yml', 'utf8')) as { asarUnpack: string[] };
    expect(config.asarUnpack.join(' ')).toContain('better-sqlite3-multiple-ciphers');
  });
});
