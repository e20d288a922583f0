import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { InterrogationRecord } from '../../../core/api/contract';
import { pumpApi, unwrap } from '../../api/client';

/**
 * The interrogation state of this workstation: the last reading, kept in the query cache under
 * LAST_READING, and the action that takes a new one. The dashboard, programming, bolus, refill and
 * patient screens all read the pump in view from here; removing the query ends the visit.
 */
export const LAST_READING = ['pump:last'] as const;

/** The last reading of this workstation, shared by the dashboard, programming and refill screens. */
export function useLastReading(): InterrogationRecord | undefined {
  return (
    useQuery<InterrogationRecord | null>({
      queryKey: LAST_READING,
      queryFn: () => null,
      enabled: false,
      gcTime: Infinity,
    }).data ?? undefined
  );
}

/** Interrogate with progress and cancel; the reading is committed to the database before it is shown. */
export function useInterrogate() {
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [cancelled, setCancelled] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const run = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setBusy(true);
    setError(null);
    setCancelled(false);
    try {
      const read = pumpApi().pump.interrogate({});
      const aborted = new Promise<'cancelled'>((resolve) =>
        controller.signal.addEventListener('abort', () => resolve('cancelled')),
      );
      const result = await Promise.race([read, aborted]);
      if (result === 'cancelled') {
        setCancelled(true);
        return;
      }
      client.setQueryData(LAST_READING, unwrap(result));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      await client.invalidateQueries({ queryKey: ['wand:status'] });
      await client.invalidateQueries({ queryKey: ['sessions:unconfirmed'] });
    }
  };
  return { run, busy, error, cancelled, cancel: () => abort.current?.abort() };
}
