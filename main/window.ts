import { BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import { APP_INDEX_URL } from './shell';

/** The one application window, locked down: sandboxed, isolated, no Node, no navigation; DevTools only while developing. */
export function createMainWindow(options: {
  preloadPath: string;
  devServerUrl?: string | undefined;
  devTools: boolean;
}): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Intrathecal Pump Programmer',
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // The renderer comes from the app:// scheme (main/shell.ts), never from file://.
  void win.loadURL(options.devServerUrl ?? APP_INDEX_URL);
  return win;
}

/** Denies every permission request (camera, geolocation, notifications, USB from the page...). */
export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
}

export const rendererPaths = (dir: string) => ({
  preloadPath: join(dir, '../preload/index.cjs'),
  rendererDir: join(dir, '../renderer'),
});
