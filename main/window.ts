import { BrowserWindow, session } from 'electron';
import { join } from 'node:path';

/** The one application window, locked down: sandboxed, isolated, no Node, no navigation. */
export function createMainWindow(options: { preloadPath: string; rendererFile: string; devServerUrl?: string | undefined }): BrowserWindow {
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
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  if (options.devServerUrl !== undefined) void win.loadURL(options.devServerUrl);
  else void win.loadFile(options.rendererFile);
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
  rendererFile: join(dir, '../renderer/index.html'),
});
