import { Alert, Button, Form, Input, InputNumber, Select, Space } from 'antd';
import type { TFunction } from 'i18next';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { drugs } from '../../../core/pump';
import { ApiError, pumpApi } from '../../api/client';
import { useApiMutation, useClinicToday } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { unitText } from '../../app/format';

interface ScreeningForm {
  trialDate: string;
  time: string;
  drug: (typeof drugs)[number];
  dose: string;
  unit: 'mg' | 'mcg';
  vasBefore: number;
  vasAfter: number;
  sideEffects?: string;
  decision: 'implant' | 'no-implant' | 'repeat';
  notes?: string;
  acknowledgement?: string;
}

/**
 * The screening trial before implant: a test dose, the pain before and after, side effects, the
 * decision. The date and time are the clinic's (the site's time zone). The test dose is checked
 * against the drug library's single-bolus limit: a hard limit is shown as the error; a soft one
 * shows the finding and asks for the reason, sent with the record.
 */
export function ScreeningEntry({ patientId }: { patientId: number }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ScreeningForm>();
  const today = useClinicToday();
  useEffect(() => {
    if (today !== undefined && !form.isFieldTouched('trialDate')) form.setFieldValue('trialDate', today);
  }, [today, form]);
  const record = useApiMutation(
    (v: ScreeningForm) =>
      pumpApi().screening.record({
        patientId,
        ...v,
        ...(v.sideEffects ? {} : { sideEffects: undefined }),
        ...(v.notes ? {} : { notes: undefined }),
        ...(v.acknowledgement?.trim() ? {} : { acknowledgement: undefined }),
      }),
    [['patients:get', patientId]],
  );
  const soft =
    record.error instanceof ApiError && record.error.code === 'ACKNOWLEDGEMENT_REQUIRED' ? record.error : undefined;
  return (
    <Form
      form={form}
      name="screening"
      layout="inline"
      initialValues={{ trialDate: today ?? '', time: '09:00', drug: 'morphine', unit: 'mg', decision: 'implant' }}
      onFinish={(v) =>
        record.mutate(v, {
          onSuccess: () => {
            form.resetFields();
            if (today !== undefined) form.setFieldValue('trialDate', today);
          },
        })
      }
    >
      <Form.Item
        name="trialDate"
        label={t('patients.trialDate')}
        rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}
      >
        <Input style={{ width: 120 }} />
      </Form.Item>
      <Form.Item
        name="time"
        label={t('patients.time')}
        rules={[{ required: true, pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: t('flex.timeRule') }]}
      >
        <Input style={{ width: 80 }} />
      </Form.Item>
      <Form.Item name="drug" label={t('status.drug')}>
        <Select style={{ width: 150 }} options={drugs.map((d) => ({ value: d, label: t(`drug.${d}`) }))} />
      </Form.Item>
      <Form.Item
        name="dose"
        label={t('patients.testDose')}
        rules={[{ required: true, pattern: /^\d{1,6}(\.\d{1,6})?$/, message: t('form.decimal') }]}
      >
        <Input style={{ width: 90 }} />
      </Form.Item>
      <Form.Item name="unit" label={t('library.unit')}>
        <Select
          style={{ width: 80 }}
          options={[
            { value: 'mg', label: unitText(t, 'mg') },
            { value: 'mcg', label: unitText(t, 'mcg') },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="vasBefore"
        label={t('patients.vasBefore')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <InputNumber min={0} max={10} precision={0} />
      </Form.Item>
      <Form.Item
        name="vasAfter"
        label={t('patients.vasAfter')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <InputNumber min={0} max={10} precision={0} />
      </Form.Item>
      <Form.Item name="sideEffects" label={t('patients.sideEffects')}>
        <Input style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name="decision" label={t('patients.decision')}>
        <Select
          style={{ width: 150 }}
          options={(['implant', 'no-implant', 'repeat'] as const).map((d) => ({ value: d, label: t(`decision.${d}`) }))}
        />
      </Form.Item>
      {soft !== undefined && (
        <Space orientation="vertical" style={{ width: '100%', margin: '8px 0' }} data-testid="screening-soft">
          <Alert
            role="alert"
            type="warning"
            showIcon
            title={t('patients.screeningAckTitle')}
            description={findingText(t, soft)}
          />
          <Form.Item
            name="acknowledgement"
            label={t('patients.screeningAckReason')}
            rules={[{ required: true, whitespace: true, min: 3, message: t('form.required') }]}
          >
            <Input.TextArea rows={2} maxLength={500} style={{ width: 420 }} />
          </Form.Item>
        </Space>
      )}
      <Button htmlType="submit" loading={record.isPending}>
        {t('patients.recordScreening')}
      </Button>
      {soft === undefined && <ErrorAlert error={record.error} />}
    </Form>
  );
}

/** The drug library's finding an error names (its key and values), in the user's language. */
const findingText = (t: TFunction, error: ApiError): string => {
  const params =
    error.params?.['level'] === undefined
      ? error.params
      : { ...error.params, level: t(`level.${error.params['level']}`) };
  return error.key === undefined ? error.message : t(error.key, { ...params, defaultValue: error.message });
};

/** VAS and the daily dose on one time axis: how a physician sees the therapy work. */
/** VAS, the intrathecal dose and the systemic opioids' oral morphine equivalent on one time line. */
