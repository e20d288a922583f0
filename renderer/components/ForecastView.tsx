import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ForecastView as Forecast } from '../../core/api/schemas';
import { dec } from '../../core/decimal';
import { formatDate } from '../app/format';

/** Days to the alarm as whole days (never rounded up: the alarm never comes later than shown). */
export const wholeDays = (days: string): string => dec(days).floor().toString();

/**
 * The refill forecast as every screen shows it: the next refill date and what limits it, the
 * low-reservoir alarm date, or "replace the pump" when the battery is spent. From the server's
 * one forecast, never recomputed here.
 */
export function ForecastView({
  forecast,
  compact = false,
  labelled = true,
}: {
  forecast: Forecast;
  compact?: boolean;
  /** False in a row already labelled "next refill" (a report or a Finish table): the label is not said twice. */
  labelled?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const d = (date: string) => formatDate(date, i18n.language);
  if (forecast.replacePump) {
    return <Alert type="error" showIcon role="alert" data-testid="replace-pump" title={t('forecast.replacePump')} />;
  }
  const alarm =
    forecast.alarmDate === null || forecast.daysToAlarm === null
      ? t('forecast.noAlarm')
      : `${d(forecast.alarmDate)} (${t('dashboard.days', { days: wholeDays(forecast.daysToAlarm) })})`;
  if (compact) {
    return (
      <span data-testid="forecast-text" data-next={forecast.nextRefillDate} data-limit={forecast.limitingFactor}>
        {labelled ? `${t('dashboard.nextRefill')}: ` : ''}
        <strong>{d(forecast.nextRefillDate)}</strong> — {t(`limiting.${forecast.limitingFactor}`)};{' '}
        {t('dashboard.alarmDate')}: {alarm}
      </span>
    );
  }
  return (
    <dl
      style={{ margin: 0 }}
      data-testid="forecast"
      data-next={forecast.nextRefillDate}
      data-limit={forecast.limitingFactor}
    >
      <dt>{t('dashboard.alarmDate')}</dt>
      <dd>{alarm}</dd>
      <dt>{t('dashboard.nextRefill')}</dt>
      <dd>
        <strong>{d(forecast.nextRefillDate)}</strong> — {t(`limiting.${forecast.limitingFactor}`)}
      </dd>
    </dl>
  );
}
