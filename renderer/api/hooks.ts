import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Result } from '../../core/result';
import { clinicDate } from '../../core/clock';
import { pumpApi, unwrap } from './client';

/** A query over one API call; the result's error becomes a thrown ApiError for TanStack Query. */
export function useApi<T>(
  key: QueryKey,
  call: () => Promise<Result<T>>,
  options: { enabled?: boolean; refetchInterval?: number } = {},
) {
  return useQuery({ queryKey: key, queryFn: async () => unwrap(await call()), ...options });
}

/** A mutation over one API call that refreshes the given queries when it settles. */
export function useApiMutation<I, T>(call: (input: I) => Promise<Result<T>>, invalidate: QueryKey[] = []) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: I) => unwrap(await call(input)),
    onSettled: async () => {
      for (const key of invalidate) await client.invalidateQueries({ queryKey: key });
    },
  });
}

/** The value once it has stopped changing for `ms`: live checks follow typing without a request per key. */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  const json = JSON.stringify(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(JSON.parse(json) as T), ms);
    return () => window.clearTimeout(timer);
  }, [json, ms]);
  return settled;
}

/** Today on the clinic's calendar (the site's time zone), for date checks typed at the bedside. */
export function useClinicToday(): string | undefined {
  const settings = useApi(['settings:get'], () => pumpApi().settings.get({}));
  return settings.data === undefined ? undefined : clinicDate(new Date(), settings.data.timeZone);
}
