import { describe, expect, it } from 'vitest';
import { channels } from '../../core/api/channels';
import { registerIpc, trustedUrlCheck, type IpcMainLike } from '../../main/ipc/register';
import type { Dispatch } from '../../services/dispatch';

type Listener = Parameters<IpcMainLike['handle']>[1];

/** Test double for Electron's ipcMain (the Electron binary is not available on these machines). */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, url: string | null, input: unknown) {
    const listener = this.handlers.get(channel);
    if (listener === undefined) throw new Error(`no handler for ${channel}`);
    return listener({ senderFrame: url === null ? null : { url } }, input);
  }
}

const fileUrl = 'file:///opt/programmer/resources/app.asar/out/renderer/index.html';

describe('Electron IPC registration', () => {
  it('registers exactly the contract channels and removes them again', () => {
    const ipc = new FakeIpcMain();
    const unregister = registerIpc(
      ipc,
      () => Promise.resolve({ ok: true, value: null }),
      () => true,
    );
    expect([...ipc.handlers.keys()].sort()).toEqual([...channels].sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('passes trusted calls to the dispatcher and refuses other frames before dispatching', async () => {
    const seen: unknown[] = [];
    const dispatch: Dispatch = (channel, input) => {
      seen.push([channel, input]);
      return Promise.resolve({ ok: true, value: 'done' });
    };
    const ipc = new FakeIpcMain();
    registerIpc(ipc, dispatch, trustedUrlCheck(fileUrl, undefined));
    expect(await ipc.invoke('pump:interrogate', fileUrl, {})).toEqual({ ok: true, value: 'done' });
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', null, '']) {
      expect(await ipc.invoke('pump:interrogate', url, {})).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN_ORIGIN' },
      });
    }
    expect(seen).toEqual([['pump:interrogate', {}]]);
  });

  it('trusts the dev server origin only while developing', () => {
    const dev = trustedUrlCheck(fileUrl, 'http://localhost:5173');
    expect(dev('http://localhost:5173/index.html')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(trustedUrlCheck(fileUrl, undefined)('http://localhost:5173/')).toBe(false);
  });
});
