import { Button, Card, Col, Row, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ProgramComparisonSchema } from '../../../core/api/refill-schemas';
import { ErrorAlert } from '../../components/ErrorAlert';
import { WitnessFields } from '../../components/WitnessFields';
import { ProgramCompare } from './ProgramCompare';
import { VisitSummary } from './VisitSteps';
import type { VisitForm } from './visitForm';

/**
 * The refill-only visit's Finish step: the program before and after (sent only if identical), the
 * volumes and syringe, the witness and the button that records the visit.
 */
export function VisitFinish({
  program,
  values,
  preview,
  error,
  pending,
  onBack,
  onSubmit,
}: {
  program: z.infer<typeof ProgramComparisonSchema>;
  values: VisitForm;
  preview: Parameters<typeof VisitSummary>[0]['preview'];
  error: unknown;
  pending: boolean;
  onBack: () => void;
  onSubmit: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('visit.finishTitle')} data-testid="visit-finish" className="finish-compact finish-form">
      {/* One view on a 1366×768 screen: the program before and after beside the volumes, then the witness beside the button. */}
      <Row gutter={[16, 8]}>
        <Col xs={24} xl={11}>
          <ProgramCompare comparison={program} after="sent" />
        </Col>
        <Col xs={24} xl={13}>
          <VisitSummary values={values} preview={preview} />
        </Col>
        <Col xs={24} xl={14}>
          <WitnessFields inline />
        </Col>
        <Col xs={24} xl={10}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <ErrorAlert error={error} title={t('refill.failed')} />
            <Space>
              <Button onClick={onBack} disabled={pending}>
                {t('review.back')}
              </Button>
              <Button
                type="primary"
                data-testid="visit-submit"
                loading={pending}
                disabled={!program.identical}
                onClick={onSubmit}
              >
                {t('visit.submit')}
              </Button>
            </Space>
          </Space>
        </Col>
      </Row>
    </Card>
  );
}
