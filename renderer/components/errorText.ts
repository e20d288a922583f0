import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

/** A failed action in the user's language: what happened and what to do (the English detail is the fallback). */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    // A named message in the user's language; the English text only where no translation exists.
    // A key with a dot names a table of its own (a drug-library finding: `finding.CODE`); a plain one, a server message.
    const key =
      error.key === undefined ? undefined : error.key.includes('.') ? error.key : `serverMessage.${error.key}`;
    const params =
      error.params?.['level'] === undefined
        ? error.params
        : { ...error.params, level: t(`level.${error.params['level']}`) };
    const message = key === undefined ? error.message : t(key, { ...params, defaultValue: error.message });
    return t(`error.${error.code}`, { message, defaultValue: message });
  }
  return error instanceof Error ? error.message : t('error.INTERNAL');
}

export const errorCode = (error: unknown): string | undefined => (error instanceof ApiError ? error.code : undefined);
