import { app, BrowserWindow, dialog, ipcMain, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeUsb, nodeUsbAttach } from '../drivers/usb/webusb';
import { FileKeyStore } from '../db/audit/keys';
import { safeStorageProtection } from './key-protection';
import { DATABASE_FILE } from '../services/paths';
import { openRuntime, type Runtime } from '../services/runtime';
import { describeStartupError } from '../services/startup-errors';
import { registerIpc, trustedUrlCheck } from './ipc/register';
import { saveReportPdf, type PdfHost } from './report-pdf';
import { createMainWindow, denyAllPermissions, rendererPaths } from './window';

let runtime: Runtime | undefined;

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
  const databasePath = process.env['PUMP_DB'] ?? join(app.getPath('userData'), DATABASE_FILE);
  try {
    const keys = new FileKeyStore(join(app.getPath('userData'), 'audit-keys'), safeStorageProtection());
    runtime = await openRuntime({ host: 'electron', databasePath, usb: await nodeUsb(), keys, workerFile: join(__dirname, 'link-worker.cjs'), attach: await nodeUsbAttach(), log: (e) => console.error(e) });
  } catch (e) {
    dialog.showErrorBox('The programmer cannot start', describeStartupError(e, databasePath));
    app.exit(2);
    return;
  }
  const paths = rendererPaths(__dirname);
  const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
  registerIpc(ipcMain, runtime.dispatch, trustedUrlCheck(pathToFileURL(paths.rendererFile).href, app.isPackaged ? undefined : devServerUrl), {
    'report:pdf': (event, input) => saveReportPdf(pdfHost(event.sender), input.fileName),
  });
  createMainWindow({ ...paths, devServerUrl: app.isPackaged ? undefined : devServerUrl });
}

app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});
app.whenReady().then(start, (e: unknown) => {
  console.error(e);
  app.exit(1);
});
app.on('window-all-closed', () => {
  void runtime?.close().finally(() => app.quit());
});
