import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ForecastView as Forecast, Patient } from '../../../core/api/schemas';
import { formatQuantity } from '../../app/format';
import { ForecastView } from '../ForecastView';
import { ClinicContact } from './ClinicHeader';

export interface PatientCardData {
  patient: Patient | null;
  pumpModel?: string | undefined;
  pumpSerial: string;
  drug: string;
  concentration: { value: string; unit: string };
  dailyDose: { value: string; unit: string };
  forecast: Forecast;
}

/** The card the patient carries: who, which pump, what it gives, when to come back, whom to call. */
export function PatientCard({ card }: { card: PatientCardData }) {
  const { t } = useTranslation();
  const row = (label: string, value: string, testId?: string) => (
    <p style={{ margin: '2px 0' }} data-testid={testId}>
      <span style={{ color: '#434343' }}>{label}: </span>
      <strong>{value}</strong>
    </p>
  );
  return (
    <Card title={t('report.card')} style={{ maxWidth: 460, border: '2px solid #0b3d60' }} data-testid="patient-card">
      {row(
        t('report.patient'),
        card.patient === null ? '—' : `${card.patient.name} (${t('paper.patientId')} ${card.patient.identifier})`,
      )}
      {row(
        t('paper.pump'),
        `${card.pumpModel ?? ''} — ${t('paper.serial')} ${card.pumpSerial}`.replace(/^ — /, ''),
        'card-pump',
      )}
      {row(t('status.drug'), `${t(`drug.${card.drug}`)} ${formatQuantity(card.concentration, t)}`)}
      {row(t('status.dailyDose'), formatQuantity(card.dailyDose, t))}
      <ForecastView forecast={card.forecast} />
      <div style={{ marginTop: 8 }}>
        <ClinicContact testId="card-clinic" />
      </div>
      <p style={{ fontSize: 12, margin: 0 }}>{t('report.cardNote')}</p>
    </Card>
  );
}
