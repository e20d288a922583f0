import { Button, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { catheterModels, pumpModelNamed, pumpModels } from '../../../core/models';
import { pumpApi } from '../../api/client';
import { useApiMutation, useClinicToday } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useLastReading } from '../pump/lastReading';

/** An implanted pump and its catheter registered to the patient. */
export function RegisterPump({ patientId }: { patientId: number }) {
  const { t } = useTranslation();
  const reading = useLastReading();
  const today = useClinicToday();
  const register = useApiMutation(
    (v: Parameters<ReturnType<typeof pumpApi>['pumps']['register']>[0]) => pumpApi().pumps.register(v),
    [['patients:get', patientId]],
  );
  // The form starts with the clinic's today: it waits for the site settings that name its time zone.
  if (today === undefined) return null;
  return (
    <Form
      layout="inline"
      initialValues={{
        serial: reading?.status.serial ?? '',
        modelId: pumpModelNamed(reading?.status.model).id,
        // The clinic's date, not the UTC one (before 08:00 in Shanghai that is still yesterday).
        implantDate: today,
        catheterModelId: catheterModels[0]?.id,
      }}
      onFinish={(v: {
        serial: string;
        modelId: string;
        implantDate: string;
        catheterModelId?: string;
        catheterLengthCm?: string;
      }) =>
        register.mutate({
          patientId,
          serial: v.serial,
          modelId: v.modelId,
          implantDate: v.implantDate,
          ...(v.catheterModelId ? { catheterModelId: v.catheterModelId } : {}),
          ...(v.catheterLengthCm ? { catheterLengthCm: v.catheterLengthCm } : {}),
        })
      }
    >
      <Form.Item name="serial" label={t('status.serial')} rules={[{ required: true, message: t('form.required') }]}>
        <Input style={{ width: 140 }} />
      </Form.Item>
      <Form.Item name="modelId" label={t('status.model')}>
        <Select style={{ width: 200 }} options={pumpModels.map((m) => ({ value: m.id, label: m.name }))} />
      </Form.Item>
      <Form.Item
        name="implantDate"
        label={t('patients.implantDate')}
        rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}
      >
        <Input style={{ width: 130 }} />
      </Form.Item>
      <Form.Item name="catheterModelId" label={t('helpers.catheter')}>
        <Select
          allowClear
          style={{ width: 200 }}
          options={catheterModels.map((c) => ({ value: c.id, label: c.name }))}
        />
      </Form.Item>
      <Form.Item
        name="catheterLengthCm"
        label={t('patients.catheterLength')}
        rules={[{ pattern: /^\d{1,3}(\.\d)?$/, message: t('form.decimal') }]}
      >
        <Input style={{ width: 90 }} suffix="cm" />
      </Form.Item>
      <Button htmlType="submit" loading={register.isPending}>
        {t('patients.registerPump')}
      </Button>
      <ErrorAlert error={register.error} />
    </Form>
  );
}
