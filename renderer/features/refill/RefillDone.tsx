import { Button, Space, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { dropDrafts } from '../../app/drafts';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RefillReportView } from '../../components/report/RefillReport';
import { LAST_READING } from '../pump/lastReading';
import { RefillOutcome } from './RefillParts';
import type { RefillWizardState } from './useRefillWizard';

/** After the refill: what the pump did, the report to print or save, and a new visit. */
export function RefillDone({ wizard, onNew }: { wizard: RefillWizardState; onNew: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const { perform, pdf, host } = wizard;
  if (perform.data === undefined) return null;
  const report = perform.data;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <RefillOutcome outcome={report.outcome} />
      <RefillReportView report={report} />
      <ErrorAlert error={pdf.error} />
      <Space className="no-print" wrap>
        <Button type="primary" onClick={() => window.print()}>
          {t('report.print')}
        </Button>
        {/* The desktop app saves the page as a PDF itself; a browser's print dialog offers "Save as PDF". */}
        {host === 'electron' && (
          <Button
            loading={pdf.isPending}
            onClick={() =>
              pdf.mutate({
                fileName: `refill-${report.pumpSerial}-${report.performedAt.slice(0, 10)}.pdf`,
              })
            }
          >
            {t('report.savePdf')}
          </Button>
        )}
        {host === 'electron' && pdf.data?.savedTo != null && (
          <span role="status">{t('report.savedTo', { path: pdf.data.savedTo })}</span>
        )}
        {host === 'web' && <Typography.Text type="secondary">{t('report.pdfHint')}</Typography.Text>}
        <Button
          onClick={() => {
            perform.reset();
            client.removeQueries({ queryKey: LAST_READING });
            dropDrafts('refill.');
            onNew();
          }}
        >
          {t('refill.newVisit')}
        </Button>
      </Space>
    </Space>
  );
}
