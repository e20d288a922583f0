import { contextBridge, ipcRenderer } from 'electron';
import { channels, splitChannel } from '../core/api/channels';

// One object per area, one function per channel, built from the contract's channel list.
// Only `invoke` is exposed; the renderer never sees ipcRenderer itself.
const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
for (const channel of channels) {
  const [area, verb] = splitChannel(channel);
  const namespace = (api[area] ??= {});
  namespace[verb] = (input: unknown) => ipcRenderer.invoke(channel, input);
}

contextBridge.exposeInMainWorld('pumpApi', api);
