import type { TFunction } from 'i18next';
import { witnessMessageKeys } from '../../core/message-table';
import { errorCodes, type AppError, type ErrorCode } from '../../core/result';

/** What the screens need of a refusal from the host (`ApiError` in api/client.ts has this shape). */
interface NamedFailure extends Error {
  code: ErrorCode;
  key?: string | undefined;
  params?: Record<string, string> | undefined;
}
const isNamedFailure = (error: unknown): error is NamedFailure =>
  error instanceof Error && errorCodes.includes((error as { code?: unknown }).code as ErrorCode);

/**
 * The values of a named message that are words, not figures, said in the user's language: a drug
 * (`drug`, `oldDrug`…), a therapy mode, a unit (`unit`, `pumpUnit`…), an input field, a role, an
 * order's state, a limit's level. Anything without a translation is shown as sent.
 */
export function translatedParams(t: TFunction, params: Record<string, string>): Record<string, string> {
  const table = (name: string): string | undefined => {
    if (name === 'level') return 'level';
    if (name === 'mode' || name.endsWith('Mode')) return 'mode';
    if (name === 'role') return 'role';
    if (name === 'status') return 'orders.state';
    if (name === 'field') return 'fieldName';
    if (name === 'drug' || name.endsWith('Drug')) return 'drug';
    if (name === 'unit' || name.endsWith('Unit')) return 'unitName';
    return undefined;
  };
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    const at = table(name);
    // A unit such as mg/day has no dot, a field such as `concentration` none either: each is one key.
    out[name] = at === undefined || value.includes('.') ? value : t(`${at}.${value}`, { defaultValue: value });
  }
  // A cause that is a named message of its own (the wand's, saidWithCause): said in the user's
  // language from its key and its values (`cause_…`), never as its English text.
  const causeKey = params['causeKey'];
  if (causeKey !== undefined) {
    const causeParams = Object.fromEntries(
      Object.entries(params)
        .filter(([name]) => name.startsWith('cause_'))
        .map(([name, value]) => [name.slice('cause_'.length), value]),
    );
    out['cause'] = t(messageKey(causeKey), {
      ...translatedParams(t, causeParams),
      defaultValue: params['cause'] ?? '',
    });
  }
  return out;
}

/** A key with a dot names a table of its own (a drug-library finding: `finding.CODE`); a plain one, a server message. */
const messageKey = (key: string): string => (key.includes('.') ? key : `serverMessage.${key}`);

/**
 * The wand's and the link's named causes say what happened and what to do in full (the wand was
 * unplugged, another program uses it…): shown as they are, not under the code's general sentence.
 */
const causeCodes: readonly ErrorCode[] = ['WAND_NOT_FOUND', 'PUMP_NOT_FOUND', 'COMMUNICATION_FAILED'];

/** A failed action in the user's language: what happened and what to do (the English detail is the fallback). */
export function errorText(t: TFunction, error: unknown): string {
  if (isNamedFailure(error)) {
    // A named message in the user's language; the English text only where no translation exists.
    const key = error.key === undefined ? undefined : messageKey(error.key);
    const params = error.params === undefined ? undefined : translatedParams(t, error.params);
    const message = key === undefined ? error.message : t(key, { ...params, defaultValue: error.message });
    // The witness's refusal names the witness; the code's sentence ("your role…") would blame the user.
    if (error.key !== undefined && witnessMessageKeys.includes(error.key)) return message;
    if (error.key !== undefined && causeCodes.includes(error.code)) return message;
    return t(`error.${error.code}`, { message, defaultValue: message });
  }
  return error instanceof Error ? error.message : t('error.INTERNAL', { message: String(error) });
}

/** A refusal a screen computed itself (core's calculations), said like one from the host. */
export const appErrorText = (t: TFunction, error: AppError): string =>
  errorText(t, Object.assign(new Error(error.message), error));

/** A named message from the host (a read-back difference, the bookkeeping alarm) in the user's language. */
export const messageText = (t: TFunction, m: { key: string; params: Record<string, string> }): string =>
  t(messageKey(m.key), { ...translatedParams(t, m.params), defaultValue: m.key });

/** A list of named messages as one line. */
export const messagesText = (
  t: TFunction,
  ms: ReadonlyArray<{ key: string; params: Record<string, string> }>,
): string => ms.map((m) => messageText(t, m)).join('; ');

export const errorCode = (error: unknown): string | undefined => (isNamedFailure(error) ? error.code : undefined);
