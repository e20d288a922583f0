import type { PumpApi } from '../../core/api/contract';
import type { Result } from '../../core/result';

declare global {
  interface Window {
    /** Exposed by the Electron preload or by the web host's bridge; same contract either way. */
    readonly pumpApi?: PumpApi;
  }
}

/** The only place the renderer touches the host. Throws early if no host bridge is present. */
export function pumpApi(): PumpApi {
  const api = window.pumpApi;
  if (api === undefined) throw new Error('No programmer host is connected to this page.');
  return api;
}

/** Thrown by `unwrap` so TanStack Query sees failures; carries the typed error for translation. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The message's name and values, when the service named it: the UI says it in the user's language. */
    readonly key?: string,
    readonly params?: Record<string, string>,
  ) {
    super(message);
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error.code, result.error.message, result.error.key, result.error.params);
}
