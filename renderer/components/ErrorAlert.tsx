import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorCode, errorText } from './errorText';

/** A failed action in the user's language: what happened and what to do; the English detail for support. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <Alert
      role="alert"
      type="error"
      showIcon
      title={title ?? t('error.title')}
      description={errorText(t, error)}
      data-testid="error-alert"
      data-code={errorCode(error)}
    />
  );
}
