import { Card } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ProgramOutcomeSchema, ProgramPreview } from '../../../core/api/program-schemas';
import { formatDateTime, formatQuantity } from '../../app/format';
import { messagesText } from '../errorText';
import { SignatureLines } from './ClinicHeader';
import { ReportDetails } from './ReportDetails';

type Outcome = z.infer<typeof ProgramOutcomeSchema>;

/**
 * The programming session report a clinic files: the patient and pump, who programmed and who
 * witnessed, what the pump read back, and the program old beside new (`changes`, the Finish
 * screen's own table), with lines for the signatures.
 */
export function ProgramReport({
  preview,
  outcome,
  changes,
}: {
  preview: ProgramPreview;
  outcome: Outcome;
  changes: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const session = outcome.report;
  const readBack =
    outcome.mismatches.length > 0
      ? messagesText(t, outcome.mismatches)
      : outcome.outcome === 'confirmed'
        ? t('outcome.readBackMatched')
        : '—';
  return (
    <div data-testid="program-report" className="printable" style={{ textAlign: 'left' }}>
      <Card title={t('paper.programTitle')}>
        <ReportDetails
          patient={preview.patient}
          pumpModel={session?.pumpModel}
          pumpSerial={preview.pumpSerial}
          items={[
            {
              key: 'when',
              label: t('report.performedAt'),
              children: session === undefined ? '—' : formatDateTime(session.programmedAt, i18n.language),
            },
            {
              key: 'by',
              label: t('paper.programmedBy'),
              children: <span data-testid="report-by">{session?.programmedBy ?? '—'}</span>,
            },
            {
              key: 'witness',
              label: t('report.witness'),
              children: <span data-testid="report-witness">{session?.witness ?? t('paper.noWitness')}</span>,
            },
            {
              key: 'outcome',
              label: t('paper.readBack'),
              children: (
                <span
                  data-testid="report-readback"
                  data-outcome={outcome.outcome}
                >{`${t(`audit.outcome.${outcome.outcome}`)} — ${readBack}`}</span>
              ),
            },
            {
              key: 'dose',
              label: t('status.dailyDose'),
              children: `${formatQuantity(preview.oldDailyDose, t)} → ${formatQuantity(preview.newDailyDose, t)}`,
            },
          ]}
        />
        <div style={{ marginTop: 12 }}>{changes}</div>
        <SignatureLines
          lines={[
            { role: t('paper.programmedBy'), name: session?.programmedBy ?? null },
            { role: t('report.witness'), name: session?.witness ?? null },
          ]}
        />
      </Card>
    </div>
  );
}
