import { Alert, Button, Checkbox, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProgramPreview } from '../../../core/api/program-schemas';
import type { PumpStatus } from '../../../core/pump';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatQuantity } from '../../app/format';

/**
 * Stopping the pump: an action of its own, apart from the modes and the other buttons, asked for
 * twice — here, with what a stop means, and then on the Finish screen with its reason and witness.
 */
export function StopAction({ status, onReview }: { status: PumpStatus; onReview: (preview: ProgramPreview) => void }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [understood, setUnderstood] = useState(false);
  const preview = useApiMutation(() => pumpApi().program.preview({ mode: 'stopped', dailyDose: '0' }));
  if (status.mode === 'stopped') return null;
  const close = () => {
    setAsking(false);
    setUnderstood(false);
    preview.reset();
  };
  return (
    <section
      aria-labelledby="stop-title"
      style={{ marginTop: 32, paddingTop: 16, borderTop: '1px solid #f0f0f0' }}
      data-testid="stop-section"
    >
      <Typography.Title level={4} id="stop-title" style={{ marginTop: 0 }}>
        {t('stopPump.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('stopPump.hint')}</Typography.Paragraph>
      <Button danger onClick={() => setAsking(true)} data-testid="stop-open">
        {t('stopPump.open')}
      </Button>
      <Modal
        open={asking}
        title={t('stopPump.confirmTitle', { drug: t(`drug.${status.drug}`), serial: status.serial })}
        onCancel={close}
        destroyOnHidden
        footer={
          <Space size="large">
            <Button onClick={close}>{t('stopPump.keepRunning')}</Button>
            <Button
              danger
              type="primary"
              disabled={!understood}
              loading={preview.isPending}
              data-testid="stop-review"
              onClick={() =>
                preview.mutate(undefined, {
                  onSuccess: (p) => {
                    close();
                    onReview(p);
                  },
                })
              }
            >
              {t('stopPump.review')}
            </Button>
          </Space>
        }
      >
        <Alert
          type="warning"
          showIcon
          title={t('stopPump.consequence', { dose: formatQuantity(status.dailyDose, t) })}
          description={t('stopPump.withdrawal')}
        />
        <Checkbox
          checked={understood}
          onChange={(e) => setUnderstood(e.target.checked)}
          style={{ marginTop: 16 }}
          data-testid="stop-understood"
        >
          {t('stopPump.understood')}
        </Checkbox>
        <ErrorAlert error={preview.error} />
      </Modal>
    </section>
  );
}
