import { Descriptions, type DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { ClinicHeader } from './ClinicHeader';

/**
 * The top of every printed session report: the clinic, then one table that starts with the patient
 * and the pump (model where known, serial) and goes on with the report's own rows (`items`).
 */
export function ReportDetails({
  patient,
  pumpModel,
  pumpSerial,
  items,
}: {
  patient: { name: string; identifier: string } | null;
  pumpModel: string | undefined;
  pumpSerial: string;
  items: NonNullable<DescriptionsProps['items']>;
}) {
  const { t } = useTranslation();
  return (
    <>
      <ClinicHeader />
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          {
            key: 'patient',
            label: t('report.patient'),
            children: patient === null ? '—' : `${patient.name} (${t('paper.patientId')} ${patient.identifier})`,
          },
          {
            key: 'pump',
            label: t('paper.pump'),
            children: (
              <span data-testid="report-pump">{`${pumpModel === undefined ? '' : `${pumpModel} — `}${t('paper.serial')} ${pumpSerial}`}</span>
            ),
          },
          ...items,
        ]}
      />
    </>
  );
}
