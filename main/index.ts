import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, type WebContents } from 'electron';
import { join } from 'node:path';
import { nodeUsb, nodeUsbAttach } from '../drivers/usb/webusb';
import { DatabaseKeyFile, FileKeyStore } from '../db/audit/keys';
import { safeStorageProtection } from './key-protection';
import { DATABASE_FILE } from '../services/paths';
import { openRuntime, type Runtime } from '../services/runtime';
import { describeStartupError } from '../services/startup-errors';
import { registerIpc, trustedUrlCheck } from './ipc/register';
import { saveReportPdf, type PdfHost } from './report-pdf';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  appRequestHandler,
  applyMenuPolicy,
  claimSingleInstance,
  devToolsAllowed,
  forbidDevTools,
  registerAppScheme,
} from './shell';
import { createMainWindow, denyAllPermissions, rendererPaths } from './window';

let runtime: Runtime | undefined;
let mainWindow: BrowserWindow | undefined;

/** printToPDF and the save dialog of the window that asked. */
function pdfHost(sender: WebContents): PdfHost {
  return {
    printToPDF: (options) => sender.printToPDF(options),
    showSaveDialog: (options) => {
      const window = BrowserWindow.fromWebContents(sender);
      return window === null ? dialog.showSaveDialog(options) : dialog.showSaveDialog(window, options);
    },
    documentsDir: app.getPath('documents'),
  };
}

async function start(): Promise<void> {
  denyAllPermissions();
  applyMenuPolicy(app, Menu);
  const paths = rendererPaths(__dirname);
  protocol.handle(APP_SCHEME, appRequestHandler(paths.rendererDir));
  const databasePath = process.env['PUMP_DB'] ?? join(app.getPath('userData'), DATABASE_FILE);
  try {
    // One key folder: the audit keys and the database key, wrapped by the OS key store.
    const keyDir = join(app.getPath('userData'), 'audit-keys');
    const protection = safeStorageProtection();
    const keys = new FileKeyStore(keyDir, protection);
    runtime = await openRuntime({
      host: 'electron',
      databasePath,
      usb: await nodeUsb(),
      keys,
      databaseKey: new DatabaseKeyFile(keyDir, protection),
      workerFile: join(__dirname, 'link-worker.cjs'),
      attach: await nodeUsbAttach(),
      log: (e) => console.error(e),
    });
  } catch (e) {
    dialog.showErrorBox('The programmer cannot start', describeStartupError(e, databasePath));
    app.exit(2);
    return;
  }
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  registerIpc(ipcMain, runtime.dispatch, trustedUrlCheck(APP_INDEX_URL, devServerUrl), {
    'report:pdf': (event, input) => saveReportPdf(pdfHost(event.sender), input.fileName),
  });
  mainWindow = createMainWindow({ preloadPath: paths.preloadPath, devServerUrl, devTools: devToolsAllowed(app) });
  forbidDevTools(app, mainWindow.webContents);
}

// Before the app is ready: the renderer's scheme, the sandbox, and one instance only.
registerAppScheme(protocol);
app.enableSandbox();
if (
  claimSingleInstance(app, () => {
    if (mainWindow === undefined) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  })
) {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.whenReady().then(start, (e: unknown) => {
    console.error(e);
    app.exit(1);
  });
  app.on('window-all-closed', () => {
    void (runtime?.close() ?? Promise.resolve()).finally(() => app.quit());
  });
}
