import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

/** A failed action in the user's language: what happened and what to do; the English detail for support. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  const text = error instanceof ApiError ? t(`error.${error.code}`, { message: error.message, defaultValue: error.message }) : error instanceof Error ? error.message : t('error.INTERNAL');
  return <Alert role="alert" type="error" showIcon title={title ?? t('error.title')} description={text} data-testid="error-alert" data-code={error instanceof ApiError ? error.code : undefined} />;
}
