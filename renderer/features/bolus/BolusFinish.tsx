import { Alert, Button, Form, Result as AntResult, Space } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { BolusPreview, BolusRequestSchema } from '../../../core/api/program-schemas';
import { pumpApi } from '../../api/client';
import { AcknowledgeFields } from '../../components/AcknowledgeFields';
import { messagesText } from '../../components/errorText';
import { ReviewHeading } from '../../components/ReviewHeading';
import { useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LibraryVerdict } from '../../components/FindingsList';
import { WitnessFields } from '../../components/WitnessFields';
import { LAST_READING } from '../pump/lastReading';
import { BolusReviewTable } from './BolusReviewTable';

type BolusRequest = z.input<typeof BolusRequestSchema>;
type Api = ReturnType<typeof pumpApi>;

/** Review and give: the reason for soft findings, the witness, then what the pump did. */
export function BolusFinish({
  preview,
  request,
  onBack,
  onDone,
}: {
  preview: BolusPreview;
  request: BolusRequest;
  onBack: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form] = Form.useForm<{
    acknowledged?: boolean;
    acknowledgement?: string;
    witness?: { username: string; password: string };
  }>();
  const deliver = useApiMutation(
    (input: Parameters<Api['bolus']['deliver']>[0]) => pumpApi().bolus.deliver(input),
    [['sessions:unconfirmed']],
  );
  const hard = preview.check.verdict === 'hard';
  const soft = preview.check.verdict === 'soft';
  if (deliver.data !== undefined) {
    const d = deliver.data;
    return (
      <AntResult
        status={d.outcome === 'confirmed' ? 'success' : d.outcome === 'rejected' ? 'warning' : 'error'}
        title={
          <span data-testid="bolus-outcome" data-outcome={d.outcome}>
            {t(`outcome.${d.outcome}`)}
          </span>
        }
        subTitle={
          <>
            <div data-testid="bolus-pump-did" data-pump-did={d.pumpDid}>
              {t(`bolus.pumpDid.${d.pumpDid}`, { volume: d.volume.value, minutes: d.durationMinutes })}
            </div>
            {d.mismatches.length > 0 && <div>{messagesText(t, d.mismatches)}</div>}
            {d.recordingProblem !== undefined && (
              <Alert
                type="error"
                showIcon
                role="alert"
                style={{ marginTop: 12, textAlign: 'left' }}
                title={t('outcome.recordingProblem')}
                description={d.recordingProblem}
              />
            )}
          </>
        }
        extra={
          <Button
            type="primary"
            onClick={() => {
              deliver.reset();
              client.removeQueries({ queryKey: LAST_READING });
              onDone();
            }}
          >
            {t('bolus.done')}
          </Button>
        }
      />
    );
  }
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="bolus-review">
      <ReviewHeading title={t('bolus.reviewTitle', { serial: preview.pumpSerial })} patient={preview.patient} />
      <BolusReviewTable preview={preview} />
      {preview.kind === 'priming' && <Alert type="warning" showIcon title={t('helpers.primingWarning')} />}
      <LibraryVerdict check={preview.check} />
      <Form
        form={form}
        layout="vertical"
        disabled={hard || deliver.isPending}
        onFinish={(v) =>
          deliver.mutate({
            request,
            reviewed: preview.reviewed,
            ...(soft && v.acknowledgement !== undefined ? { acknowledgement: v.acknowledgement } : {}),
            ...(v.witness === undefined ? {} : { witness: v.witness }),
          })
        }
      >
        {soft && <AcknowledgeFields />}
        {!hard && <WitnessFields />}
        <ErrorAlert error={deliver.error} title={t('bolus.failed')} />
        <Space style={{ marginTop: 12 }}>
          <Button onClick={onBack} disabled={deliver.isPending}>
            {t('bolus.back')}
          </Button>
          <Button
            type="primary"
            danger
            htmlType="submit"
            loading={deliver.isPending}
            disabled={hard}
            data-testid="bolus-deliver"
          >
            {deliver.isPending ? t('bolus.delivering') : t('bolus.deliver')}
          </Button>
        </Space>
        {hard && <Alert style={{ marginTop: 12 }} type="error" showIcon title={t('review.hardStop')} />}
      </Form>
    </Space>
  );
}
