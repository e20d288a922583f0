import { Form, type FormInstance } from 'antd';
import { useCallback, useEffect, useState } from 'react';

/**
 * Work in progress (the refill wizard, the refill-only visit, a program being entered) kept in
 * this page's memory across an idle or manual lock, for the user who entered it: restored when the
 * same user unlocks, dropped when anyone else signs in and on sign-out. Never written to storage.
 * Passwords are never kept.
 */
let owner: string | undefined;
const drafts = new Map<string, unknown>();

/** The signed-in user takes the drafts: their own are kept; anyone else's are dropped. True when they were dropped. */
export function claimDrafts(username: string): boolean {
  if (owner === username) return false;
  drafts.clear();
  owner = username;
  return true;
}

/** Sign-out: nothing of this user's work stays for the next one. */
export function clearDrafts(): void {
  drafts.clear();
  owner = undefined;
}

export const readDraft = <T>(key: string): T | undefined => drafts.get(key) as T | undefined;

export function writeDraft(key: string, value: unknown): void {
  if (owner !== undefined) drafts.set(key, value);
}

/** Drops every draft whose key starts with `prefix` (a workflow finished or started again). */
export function dropDrafts(prefix: string): void {
  for (const key of [...drafts.keys()]) if (key.startsWith(prefix)) drafts.delete(key);
}

/** `useState` whose value outlives a lock. */
export function useDraftState<T>(key: string, initial: T): [T, (next: T | ((old: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => readDraft<T>(key) ?? initial);
  useEffect(() => {
    writeDraft(key, value);
  }, [key, value]);
  return [value, setValue];
}

const without = (values: Record<string, unknown>, omit: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(values).filter(([k]) => !omit.includes(k)));

/**
 * Keeps an Ant Design form's values as a draft (every field, shown or not, typed or filled in by a
 * scan) and returns the values to start it with: give them to the form's `initialValues`.
 */
export function useFormDraft<T extends object>(
  form: FormInstance<T>,
  key: string,
  omit: readonly string[] = [],
): Partial<T> {
  const values = Form.useWatch([], { form, preserve: true }) as Record<string, unknown> | undefined;
  const [restored] = useState(() => readDraft<Partial<T>>(key) ?? {});
  const save = useCallback(
    () => writeDraft(key, without(form.getFieldsValue(true) as Record<string, unknown>, omit)),
    [form, key, omit],
  );
  useEffect(() => {
    if (values !== undefined) save();
  }, [values, save]);
  return restored;
}
