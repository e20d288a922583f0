import { DECIMAL_INPUT } from '../../../core/quantity';
import { Button, Card, Form, Input, InputNumber, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { BolusPreview, BolusRequestSchema } from '../../../core/api/program-schemas';
import type { PumpStatus } from '../../../core/pump';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unitText } from '../../app/format';
import { BolusFinish } from './BolusFinish';

type BolusRequest = z.input<typeof BolusRequestSchema>;

interface RequestForm {
  kind: 'single' | 'priming';
  dose?: string;
  durationMinutes?: number;
  primed?: 'yes' | 'no';
}

const toRequest = (v: RequestForm): BolusRequest | undefined => {
  if (v.durationMinutes == null) return undefined;
  if (v.kind === 'single')
    return v.dose !== undefined && DECIMAL_INPUT.test(v.dose)
      ? { kind: 'single', dose: v.dose, durationMinutes: v.durationMinutes }
      : undefined;
  return v.primed === undefined
    ? undefined
    : { kind: 'priming', durationMinutes: v.durationMinutes, catheterPrimed: v.primed === 'yes' };
};

/**
 * A clinician single bolus or a priming bolus through the wand, for the pump as it was last read:
 * the request, then the review beside the running program, the witness, and what the pump did.
 */
export default function BolusScreen({ status, onBack }: { status: PumpStatus; onBack: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RequestForm>();
  const values = Form.useWatch([], form) as RequestForm | undefined;
  const preview = useApiMutation((input: BolusRequest) => pumpApi().bolus.preview(input));
  const [reviewing, setReviewing] = useState<{ preview: BolusPreview; request: BolusRequest } | undefined>();
  const unit = unitText(t, status.concentration.unit.split('/')[0] ?? '');
  if (reviewing !== undefined) {
    return (
      <BolusFinish
        preview={reviewing.preview}
        request={reviewing.request}
        onBack={() => setReviewing(undefined)}
        onDone={onBack}
      />
    );
  }
  return (
    <Card title={t('bolus.title')} data-testid="bolus-screen">
      <Typography.Paragraph type="secondary">{t('bolus.hint')}</Typography.Paragraph>
      <Form<RequestForm>
        form={form}
        layout="vertical"
        style={{ maxWidth: 560 }}
        initialValues={{ kind: 'single', dose: '', durationMinutes: 30 }}
        onFinish={(v) => {
          const request = toRequest(v);
          if (request === undefined) return;
          preview.mutate(request, { onSuccess: (p) => setReviewing({ preview: p, request }) });
        }}
      >
        <Form.Item name="kind" label={t('bolus.kind')}>
          <Radio.Group
            options={[
              { value: 'single', label: t('bolus.single') },
              { value: 'priming', label: t('bolus.priming') },
            ]}
          />
        </Form.Item>
        {values?.kind !== 'priming' ? (
          <Form.Item
            name="dose"
            label={t('bolus.dose', { unit })}
            rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
          >
            <Input inputMode="decimal" suffix={unit} />
          </Form.Item>
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t('bolus.primingVolumeHint')}</Typography.Paragraph>
            <Form.Item
              name="primed"
              label={t('bolus.primedQuestion')}
              rules={[{ required: true, message: t('bolus.primedRequired') }]}
            >
              <Radio.Group
                options={[
                  { value: 'no', label: t('bolus.primedNo') },
                  { value: 'yes', label: t('bolus.primedYes') },
                ]}
              />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="durationMinutes"
          label={t('bolus.duration')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <InputNumber min={1} max={1440} precision={0} />
        </Form.Item>
        <ErrorAlert error={preview.error} title={t('bolus.checkFailed')} />
        <Space style={{ marginTop: 12 }}>
          <Button onClick={onBack}>{t('bolus.back')}</Button>
          <Button type="primary" htmlType="submit" loading={preview.isPending} data-testid="bolus-review-button">
            {t('bolus.review')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
