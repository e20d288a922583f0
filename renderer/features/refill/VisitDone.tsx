import { Alert, Button, Card, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RefillReport } from '../../../core/api/refill-schemas';
import { dropDrafts } from '../../app/drafts';
import { ProgramCompare } from './ProgramCompare';
import { RefillOutcome } from './RefillParts';
import { RefillReportView } from '../../components/report/RefillReport';

/** After a refill-only visit: what the pump did, the program read back, the report to print, and a new visit. */
export function VisitDone({ report, onNew }: { report: RefillReport; onNew: () => void }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.visit')}
      </Typography.Title>
      <RefillOutcome outcome={report.outcome} refillOnly={report.refillOnly} />
      {report.program != null && (
        <Card size="small" title={t('visit.programTitle')} className="no-print">
          <ProgramCompare comparison={report.program} after="readBack" />
        </Card>
      )}
      {report.reviewId != null && (
        <Alert type="warning" showIcon data-testid="review-opened" title={t('visit.reviewOpened')} />
      )}
      <RefillReportView report={report} />
      <Space className="no-print" wrap>
        <Button type="primary" data-testid="visit-print" onClick={() => window.print()}>
          {t('report.print')}
        </Button>
        <Button
          onClick={() => {
            dropDrafts('visit.');
            onNew();
          }}
        >
          {t('visit.newVisit')}
        </Button>
      </Space>
    </Space>
  );
}
