import { namedError, type AppError, type ErrorCode } from './result';

// The table lives apart from the helpers so that core/result.ts can name its keys without a cycle.
import { serverMessages, type ServerMessageKey } from './message-table';

export { serverMessages, type ServerMessageKey };

/** The names inside `{{…}}` of a message's text. */
type Placeholders<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}` ? P | Placeholders<Rest> : never;
export type ServerMessageParams<K extends ServerMessageKey> = Record<Placeholders<(typeof serverMessages)[K]>, string>;

/** The values a message's text names, in order of first use. */
export const placeholdersOf = (text: string): string[] => [
  ...new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '')),
];

/** The English text of a named message with its values filled in. */
export const englishOf = <K extends ServerMessageKey>(key: K, params: ServerMessageParams<K>): string =>
  serverMessages[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => (params as Record<string, string>)[name] ?? '');

/** An error the UI says in the user's language; its `message` is the English text of the same key. */
export const said = <K extends ServerMessageKey>(
  code: ErrorCode,
  key: K,
  params: ServerMessageParams<K>,
  field?: string,
): AppError => namedError(code, key, params, englishOf(key, params), field);

/**
 * A named message with the cause it failed with, itself a named message (e.g. the wand's): `{{cause}}`
 * is the cause's English text; `causeKey` and the cause's values (each as `cause_<name>`) let the UI
 * say the cause in the user's language too, never the English of it.
 */
export const saidWithCause = <K extends ServerMessageKey>(
  code: ErrorCode,
  key: K,
  params: Omit<ServerMessageParams<K>, 'cause'>,
  cause: AppError,
  field?: string,
): AppError => {
  const error = said(code, key, { ...params, cause: cause.message } as ServerMessageParams<K>, field);
  if (cause.key === undefined) return error;
  const causeParams = Object.fromEntries(Object.entries(cause.params ?? {}).map(([n, v]) => [`cause_${n}`, v]));
  return { ...error, params: { ...error.params, ...causeParams, causeKey: cause.key } };
};
