import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Patient } from '../../../core/api/schemas';
import type { PumpStatus } from '../../../core/pump';
import { formatQuantity } from '../../app/format';

/** The patient and the pump acted on, in view on every step: name, ID, pump serial, drug and dose. */
export function PumpBanner({ patient, pump }: { patient: Patient | null | undefined; pump: PumpStatus }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="info"
      data-testid="pump-banner"
      title={
        <Typography.Text>
          <strong>
            {patient == null
              ? t('visit.noPatient')
              : t('visit.patientLine', { name: patient.name, identifier: patient.identifier })}
          </strong>
          {' · '}
          {t('visit.pumpLine', {
            serial: pump.serial,
            drug: t(`drug.${pump.drug}`),
            concentration: formatQuantity(pump.concentration, t),
            dose: formatQuantity(pump.dailyDose, t),
          })}
        </Typography.Text>
      }
    />
  );
}
