import { useTranslation } from 'react-i18next';
import { errorCode, errorText } from './errorText';

/** ErrorAlert for the first screen, without the UI library (which loads with the signed-in shell). */
export function PlainErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <div role="alert" className="plain-alert error" data-testid="error-alert" data-code={errorCode(error)}>
      <strong>{title ?? t('error.title')}</strong>
      <div>{errorText(t, error)}</div>
    </div>
  );
}
