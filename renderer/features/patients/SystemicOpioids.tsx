import { DECIMAL_INPUT } from '../../../core/quantity';
import { Alert, Button, Card, Form, Input, Select, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PatientDetail } from '../../../core/api/schemas';
import {
  systemicOpioidKinds,
  systemicOpioids,
  type SystemicOpioidInput,
  type SystemicOpioidKind,
} from '../../../core/opioids';
import { pumpApi } from '../../api/client';
import { useApiMutation, useClinicToday } from '../../api/hooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatQuantity, unitText } from '../../app/format';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The systemic opioids a patient takes before and after the implant, each with its oral morphine
 * equivalent; the day's total and the opioid tolerance the safety rules apply. Display only: never
 * used to program the pump.
 */
export function SystemicOpioidsCard({ detail, canEdit }: { detail: PatientDetail; canEdit: boolean }) {
  const { t } = useTranslation();
  const patientId = detail.patient.id;
  const today = useClinicToday();
  const record = useApiMutation(
    (v: SystemicOpioidInput) => pumpApi().opioids.record({ patientId, record: v }),
    [['patients:get', patientId]],
  );
  const stop = useApiMutation(
    (v: { id: number; stopDate: string }) => pumpApi().opioids.stop({ patientId, ...v }),
    [['patients:get', patientId]],
  );
  const [form] = Form.useForm<{ kind: SystemicOpioidKind; dose: string; startDate: string; stopDate?: string }>();
  const kindLabel = (kind: string) => t(`opioids.kind.${kind.replace('/', '_')}`, { defaultValue: kind });
  return (
    <Card title={t('opioids.title')} size="small" data-testid="systemic-opioids">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <span data-testid="ome-today">
            {t('opioids.omeToday', { ome: formatQuantity({ value: detail.omeTodayMgPerDay, unit: 'mg/day' }, t) })}
          </span>
          <Tag
            style={{ color: detail.opioidTolerance === 'tolerant' ? '#135200' : '#873800', background: '#fffbe6' }}
            data-testid="opioid-tolerance"
            data-tolerance={detail.opioidTolerance}
          >
            {t(`opioids.tolerance.${detail.opioidTolerance}`)}
          </Tag>
        </Space>
        <Alert type="info" showIcon title={t('opioids.displayOnly')} />
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={detail.systemicOpioids}
          locale={{ emptyText: <span style={{ color: '#595959' }}>{t('opioids.none')}</span> }}
          columns={[
            { title: t('opioids.drug'), dataIndex: 'kind', render: kindLabel },
            { title: t('opioids.dose'), render: (_: unknown, r) => formatQuantity({ value: r.dose, unit: r.unit }, t) },
            {
              title: t('opioids.ome'),
              dataIndex: 'omeMgPerDay',
              render: (v: string) => formatQuantity({ value: v, unit: 'mg/day' }, t),
            },
            { title: t('opioids.start'), dataIndex: 'startDate' },
            {
              title: t('opioids.stop'),
              render: (_: unknown, r) =>
                r.stopDate ??
                (canEdit && today !== undefined ? (
                  <Button size="small" onClick={() => stop.mutate({ id: r.id, stopDate: today })}>
                    {t('opioids.stoppedToday')}
                  </Button>
                ) : (
                  '—'
                )),
            },
          ]}
        />
        <ErrorAlert error={stop.error} />
        {canEdit && (
          <Form
            form={form}
            layout="inline"
            onFinish={(v) =>
              record.mutate({
                kind: v.kind,
                dose: v.dose,
                startDate: v.startDate,
                ...(v.stopDate === undefined || v.stopDate === '' ? {} : { stopDate: v.stopDate }),
              })
            }
          >
            <Form.Item name="kind" label={t('opioids.drug')} rules={[{ required: true, message: t('form.required') }]}>
              <Select
                style={{ width: 240 }}
                options={systemicOpioidKinds.map((k) => ({
                  value: k,
                  label: `${kindLabel(k)} (${unitText(t, systemicOpioids[k].unit)})`,
                }))}
              />
            </Form.Item>
            <Form.Item
              name="dose"
              label={t('opioids.dose')}
              rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
            >
              <Input inputMode="decimal" style={{ width: 100 }} />
            </Form.Item>
            <Form.Item
              name="startDate"
              label={t('opioids.start')}
              rules={[{ required: true, pattern: DATE, message: t('form.date') }]}
            >
              <Input placeholder="YYYY-MM-DD" style={{ width: 130 }} />
            </Form.Item>
            <Form.Item name="stopDate" label={t('opioids.stop')} rules={[{ pattern: DATE, message: t('form.date') }]}>
              <Input placeholder="YYYY-MM-DD" style={{ width: 130 }} />
            </Form.Item>
            <Button htmlType="submit" loading={record.isPending}>
              {t('opioids.add')}
            </Button>
          </Form>
        )}
        <ErrorAlert error={record.error} />
      </Space>
    </Card>
  );
}
