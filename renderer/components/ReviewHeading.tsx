import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * The top of a review before the pump is written: the title naming the pump in view, and the
 * patient it is registered to (nothing when the pump is not registered).
 */
export function ReviewHeading({
  title,
  patient,
}: {
  title: string;
  patient: { name: string; identifier: string } | null;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {title}
      </Typography.Title>
      {patient !== null && (
        <Typography.Text>
          {t('dashboard.patient', { name: patient.name, identifier: patient.identifier })}
        </Typography.Text>
      )}
    </>
  );
}
