import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RefillReport } from '../../../core/api/refill-schemas';
import { dec } from '../../../core/decimal';
import { formatDate, formatDateTime, formatMl, formatQuantity } from '../../app/format';
import { ForecastView } from '../ForecastView';
import { SignatureLines } from './ClinicHeader';
import { ReportDetails } from './ReportDetails';
import { PatientCard } from './PatientCard';
import { refillOutcomeKey } from '../../features/refill/RefillParts';

/** A bridge's duration in hours, one decimal, from its whole minutes (decimal arithmetic, as every figure shown). */
export const bridgeHours = (minutes: number): string => dec(minutes).div(60).toFixed(1);

/** The refill session report and the patient card, laid out for printing (the browser's print, or PDF in the app). */
export function RefillReportView({ report }: { report: RefillReport }) {
  const { t, i18n } = useTranslation();
  const ml = (v: string | undefined) => formatMl(v, t);
  return (
    <div data-testid="refill-report" className="printable">
      <Card title={t('report.title')} style={{ marginBottom: 16 }}>
        <ReportDetails
          patient={report.patient}
          pumpModel={report.pumpModel}
          pumpSerial={report.pumpSerial}
          items={[
            {
              key: 'when',
              label: t('report.performedAt'),
              children: formatDateTime(report.performedAt, i18n.language),
            },
            {
              key: 'outcome',
              label: t('report.outcome'),
              children: t(refillOutcomeKey(report.outcome, report.refillOnly)),
            },
            {
              key: 'drug',
              label: t('status.drug'),
              children: `${t(`drug.${report.drug}`)} ${formatQuantity(report.concentration, t)}`,
            },
            {
              key: 'dose',
              label: t('status.dailyDose'),
              children: `${formatQuantity(report.dailyDose, t)} (${formatQuantity({ value: report.rate.value, unit: 'mL/day' }, t)})`,
            },
            {
              key: 'withdrawn',
              label: t('refill.withdrawn'),
              children: <span data-testid="report-withdrawn">{ml(report.withdrawnMl)}</span>,
            },
            {
              key: 'instilled',
              label: t('paper.instilled'),
              children: <span data-testid="report-instilled">{ml(report.instilledMl)}</span>,
            },
            {
              key: 'discrepancy',
              label: t('refill.discrepancy'),
              children: (
                <span
                  data-flag={report.discrepancyFlag}
                  data-testid="report-discrepancy"
                >{`${ml(report.discrepancyMl)}${report.discrepancyFlag ? ` — ${t('refill.flagged')}` : ''}`}</span>
              ),
            },
            ...(report.discrepancyAcknowledgement === undefined
              ? []
              : [
                  {
                    key: 'ackChecked',
                    label: t('visit.ackChecked'),
                    children: <span data-testid="report-ack-checked">{report.discrepancyAcknowledgement.checked}</span>,
                  },
                  {
                    key: 'ackPatientState',
                    label: t('visit.ackPatientState'),
                    children: (
                      <span data-testid="report-ack-patient-state">
                        {report.discrepancyAcknowledgement.patientState}
                      </span>
                    ),
                  },
                ]),
            { key: 'reservoir', label: t('report.newReservoir'), children: ml(report.newReservoirMl) },
            ...(report.syringe === undefined
              ? []
              : [
                  {
                    key: 'lot',
                    label: t('paper.lot'),
                    children: <span data-testid="report-lot">{report.syringe.lot}</span>,
                  },
                  {
                    key: 'expiry',
                    label: t('paper.expiry'),
                    children: (
                      <span data-testid="report-expiry">{formatDate(report.syringe.expiry, i18n.language)}</span>
                    ),
                  },
                ]),
            ...(report.concentrationChange === null
              ? []
              : [
                  {
                    key: 'bridge',
                    label: t('refill.bridgeVolume'),
                    children: `${formatQuantity(report.concentrationChange.bridgeVolume, t)} — ${t('refill.bridgeDuration', { hours: bridgeHours(report.concentrationChange.bridgeMinutes), minutes: report.concentrationChange.bridgeMinutes })}`,
                  },
                ]),
            { key: 'nurse', label: t('report.nurse'), children: report.nurse },
            { key: 'witness', label: t('report.witness'), children: report.witness },
            {
              key: 'forecast',
              label: t('dashboard.nextRefill'),
              children: <ForecastView forecast={report.forecast} compact labelled={false} />,
            },
          ]}
        />
        <SignatureLines
          lines={[
            { role: t('report.nurse'), name: report.nurse },
            { role: t('report.witness'), name: report.witness },
          ]}
        />
      </Card>
      <PatientCard card={report} />
    </div>
  );
}
