import { channels } from '../../core/api/channels';
import { appError, err } from '../../core/result';
import type { Dispatch } from '../../services/dispatch';

/** The part of Electron's `ipcMain` used here; tests pass a stand-in for the Electron binary. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: { url: string } | null }, input: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/**
 * Registers one handler per contract channel. A message is answered only when it comes from the
 * app's own page (file:// in production, the dev server while developing); its payload is parsed
 * by the contract inside `dispatch`.
 */
export function registerIpc(ipcMain: IpcMainLike, dispatch: Dispatch, isTrustedUrl: (url: string) => boolean): () => void {
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, input) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) return err(appError('FORBIDDEN_ORIGIN', 'IPC from an untrusted frame was refused'));
      return dispatch(channel, input);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** Trust only the app's own renderer: its file URL, or the exact dev server origin. */
export function trustedUrlCheck(rendererIndexFileUrl: string, devServerUrl: string | undefined): (url: string) => boolean {
  const devOrigin = devServerUrl === undefined ? undefined : new URL(devServerUrl).origin;
  return (url) => {
    if (url === '') return false;
    if (url.split('#')[0] === rendererIndexFileUrl) return true;
    try {
      return devOrigin !== undefined && new URL(url).origin === devOrigin;
    } catch {
      return false;
    }
  };
}
