import { Button, Card, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';

/** A new patient's record; the screen opens it once created. */
export function NewPatient({ onCreated }: { onCreated: (id: number) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const create = useApiMutation(
    (v: Parameters<ReturnType<typeof pumpApi>['patients']['create']>[0]) => pumpApi().patients.create(v),
    [['patients:search']],
  );
  return (
    <Card title={t('patients.new')} size="small">
      <Form
        form={form}
        layout="vertical"
        style={{ maxWidth: 560 }}
        onFinish={(v: {
          identifier: string;
          name: string;
          birthDate?: string;
          indication?: 'cancer' | 'non-cancer';
          indicationKind?: string;
          spasticityOrigin?: 'spinal' | 'cerebral';
        }) =>
          create.mutate(
            {
              identifier: v.identifier,
              name: v.name,
              ...(v.birthDate ? { birthDate: v.birthDate } : {}),
              ...(v.indication ? { indication: v.indication } : {}),
              ...(v.indicationKind ? { indicationKind: v.indicationKind } : {}),
              ...(v.spasticityOrigin ? { spasticityOrigin: v.spasticityOrigin } : {}),
            },
            {
              onSuccess: (r) => {
                form.resetFields();
                onCreated(r.id);
              },
            },
          )
        }
      >
        <Form.Item
          name="identifier"
          label={t('patients.identifier')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="name" label={t('patients.name')} rules={[{ required: true, message: t('form.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="birthDate"
          label={t('patients.birthDate')}
          rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('form.date') }]}
        >
          <Input placeholder="YYYY-MM-DD" />
        </Form.Item>
        <Form.Item name="indication" label={t('patients.indication')}>
          <Select
            allowClear
            options={(['cancer', 'non-cancer'] as const).map((v) => ({ value: v, label: t(`indication.${v}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="spasticityOrigin"
          label={t('patients.spasticityOrigin')}
          extra={t('patients.spasticityOriginHelp')}
        >
          <Select
            allowClear
            options={(['spinal', 'cerebral'] as const).map((v) => ({ value: v, label: t(`spasticity.${v}`) }))}
          />
        </Form.Item>
        <Form.Item name="indicationKind" label={t('patients.indicationKind')}>
          <Input />
        </Form.Item>
        <ErrorAlert error={create.error} />
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('patients.create')}
        </Button>
      </Form>
    </Card>
  );
}
