import { channels, splitChannel } from '../../core/api/channels';
import type { Result } from '../../core/result';

/**
 * The browser side of the web host: the same `window.pumpApi` object the Electron preload
 * exposes, carried over loopback HTTP. The token arrives in the URL fragment (never sent to a
 * server), is kept for this tab only, and is removed from the address bar.
 */
const TOKEN_KEY = 'pump-web-token';

function takeToken(): string {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1] !== undefined) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

const token = takeToken();

async function call(channel: string, input: unknown): Promise<Result<unknown>> {
  try {
    const response = await fetch(`./api/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input ?? {}),
    });
    return (await response.json()) as Result<unknown>;
  } catch {
    return {
      ok: false,
      error: {
        code: 'COMMUNICATION_FAILED',
        message: 'The programmer service is not answering. Is the web host still running?',
      },
    };
  }
}

const api: Record<string, Record<string, (input: unknown) => Promise<Result<unknown>>>> = {};
for (const channel of channels) {
  const [area, verb] = splitChannel(channel);
  const namespace = (api[area] ??= {});
  namespace[verb] = (input: unknown) => call(channel, input);
}

// The first question every page start asks is who is signed in: ask it now, while the app's
// bundle is still loading, and hand that answer to the app's first call.
let early: Promise<Result<unknown>> | undefined = call('auth:status', {});
const auth = api['auth'];
const status = auth?.['status'];
if (auth !== undefined && status !== undefined) {
  auth['status'] = (input: unknown) => {
    const answer = early;
    early = undefined;
    return answer ?? status(input);
  };
}

Object.defineProperty(window, 'pumpApi', { value: Object.freeze(api), writable: false, configurable: false });
