import { useEffect } from 'react';

const EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Calls `onIdle` once the user has not touched the page for `minutes`. The host locks its session
 * on the same rule, so a page left open cannot act for the user either.
 */
export function useIdleTimer(minutes: number, onIdle: () => void, active: boolean): void {
  useEffect(() => {
    if (!active) return undefined;
    let timer = window.setTimeout(onIdle, minutes * 60_000);
    const reset = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(onIdle, minutes * 60_000);
    };
    for (const e of EVENTS) window.addEventListener(e, reset, { passive: true });
    return () => {
      window.clearTimeout(timer);
      for (const e of EVENTS) window.removeEventListener(e, reset);
    };
  }, [minutes, onIdle, active]);
}
