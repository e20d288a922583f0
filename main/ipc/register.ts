import { channels, type Channel } from '../../core/api/channels';
import { contract, type ApiOutput, type ApiParsedInput } from '../../core/api/contract';
import { said } from '../../core/messages';
import { err, fromZodError, type Result } from '../../core/result';
import type { Dispatch } from '../../services/dispatch';

export interface IpcEventLike {
  senderFrame: { url: string } | null;
}

/** The part of Electron's `ipcMain` used here; tests pass a stand-in for the Electron binary. */
export interface IpcMainLike<E extends IpcEventLike = IpcEventLike> {
  handle(channel: string, listener: (event: E, input: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Channels the desktop app answers itself, with the calling window at hand (saving its page as a PDF). */
export type OwnHandlers<E> = Partial<{
  [C in Channel]: (event: E, input: ApiParsedInput<C>) => Promise<Result<ApiOutput<C>>>;
}>;

/**
 * Registers one handler per contract channel. A message is answered only when it comes from the
 * app's own page (app://programmer in production, the dev server while developing); its payload is parsed
 * by the contract (inside `dispatch`, or here for the app's own handlers, which also need a
 * signed-in, unlocked workstation).
 */
export function registerIpc<E extends IpcEventLike>(
  ipcMain: IpcMainLike<E>,
  dispatch: Dispatch,
  isTrustedUrl: (url: string) => boolean,
  own: OwnHandlers<E> = {},
): () => void {
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, input) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) return err(said('FORBIDDEN_ORIGIN', 'ipcUntrustedFrame', {}));
      const mine = own[channel] as ((event: E, input: unknown) => Promise<Result<unknown>>) | undefined;
      if (mine === undefined) return dispatch(channel, input);
      const parsed = contract[channel].input.safeParse(input);
      if (!parsed.success) return err(fromZodError(parsed.error));
      const status = await dispatch('auth:status', {});
      const session = status.ok ? (status.value as { user: unknown; locked: boolean }) : undefined;
      if (session === undefined || session.user === null) return err(said('SIGNED_OUT', 'signInFirst', {}));
      if (session.locked) return err(said('SESSION_LOCKED', 'workstationLocked', {}));
      return mine(event, parsed.data);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** Trust only the app's own renderer: its app:// page, or the exact dev server origin. */
export function trustedUrlCheck(
  rendererIndexFileUrl: string,
  devServerUrl: string | undefined,
): (url: string) => boolean {
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
