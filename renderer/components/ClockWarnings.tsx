import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ClockWarning } from '../../core/clock-warnings';

/** The pump's clock against the clinic's: each warning in the user's language, never silent. */
export function ClockWarnings({ warnings }: { warnings: readonly ClockWarning[] | undefined }) {
  const { t } = useTranslation();
  if (warnings === undefined || warnings.length === 0) return null;
  return (
    <>
      {warnings.map((w) => (
        <Alert
          key={w.code}
          type="warning"
          showIcon
          role="alert"
          data-testid="clock-warning"
          data-code={w.code}
          title={t(`clockWarning.${w.code}`, w.params)}
        />
      ))}
    </>
  );
}
