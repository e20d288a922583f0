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

/** A named message and its values, for the UI to say in the user's language (`englishOf` gives its English). */
export interface NamedMessage {
  key: ServerMessageKey;
  params: Record<string, string>;
}

/** A named message, typed against its text's values. */
export const named = <K extends ServerMessageKey>(key: K, params: ServerMessageParams<K>): NamedMessage => ({
  key,
  params: params,
});

/**
 * The values of a message whose `{{cause}}` is itself a failure (e.g. the wand's): `cause` is the
 * cause's English text; `causeKey` and the cause's values (each as `cause_<name>`) let the UI say
 * the cause in the user's language too, never the English of it.
 */
const withCause = (params: Record<string, string>, cause: AppError): Record<string, string> => {
  const out = { ...params, cause: cause.message };
  if (cause.key === undefined) return out;
  const causeParams = Object.fromEntries(Object.entries(cause.params ?? {}).map(([n, v]) => [`cause_${n}`, v]));
  return { ...out, ...causeParams, causeKey: cause.key };
};

/** A named message with the failure it came from as its `{{cause}}`. */
export const namedWithCause = <K extends ServerMessageKey>(
  key: K,
  params: Omit<ServerMessageParams<K>, 'cause'>,
  cause: AppError,
): NamedMessage => ({ key, params: withCause(params, cause) });

/** The English text of a named message (the audit trail, the CLI, logs). */
export const englishText = (m: NamedMessage): string => englishOf(m.key, m.params as never);

/** A named error with the failure it came from as its `{{cause}}` (see `namedWithCause`). */
export const saidWithCause = <K extends ServerMessageKey>(
  code: ErrorCode,
  key: K,
  params: Omit<ServerMessageParams<K>, 'cause'>,
  cause: AppError,
  field?: string,
): AppError => {
  const error = said(code, key, { ...params, cause: cause.message } as ServerMessageParams<K>, field);
  return { ...error, params: withCause(error.params ?? {}, cause) };
};
