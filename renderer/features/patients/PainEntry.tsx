import { Button, Form, Input, InputNumber } from 'antd';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';

/** A pain score (VAS) recorded for the patient. */
export function PainEntry({ patientId }: { patientId: number }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ vas: number; note?: string }>();
  const record = useApiMutation(
    (v: { vas: number; note?: string }) =>
      pumpApi().pain.record({ patientId, vas: v.vas, ...(v.note ? { note: v.note } : {}) }),
    [['patients:get', patientId]],
  );
  return (
    <Form form={form} layout="inline" onFinish={(v) => record.mutate(v, { onSuccess: () => form.resetFields() })}>
      <Form.Item name="vas" label={t('patients.vas')} rules={[{ required: true, message: t('form.required') }]}>
        <InputNumber min={0} max={10} precision={0} />
      </Form.Item>
      <Form.Item name="note" label={t('patients.note')}>
        <Input style={{ width: 240 }} />
      </Form.Item>
      <Button htmlType="submit" loading={record.isPending}>
        {t('patients.recordVas')}
      </Button>
      <ErrorAlert error={record.error} />
    </Form>
  );
}
