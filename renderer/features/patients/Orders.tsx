import { Button, Card, Form, Input, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { PatientDetail, Prescription, PrescriptionInput } from '../../../core/api/schemas';
import { drugs, type Drug } from '../../../core/pump';
import { pumpApi } from '../../api/client';
import { useApiMutation } from '../../api/hooks';
import { formatDateTime } from '../../app/format';
import { ErrorAlert } from '../../components/ErrorAlert';

const DECIMAL = /^\d{1,6}(\.\d{1,6})?$/;

/** One line for an order: each drug with its concentration and daily dose. */
export const orderText = (t: TFunction, order: Pick<Prescription, 'components'>): string =>
  order.components.map((c) => `${t(`drug.${c.drug}`)} ${c.concentration.value} ${c.concentration.unit} — ${c.dailyDose.value} ${c.dailyDose.unit}`).join(' + ');

interface OrderForm {
  drug: Drug;
  mass: 'mg' | 'mcg';
  concentration: string;
  dailyDose: string;
  pumpId?: number;
  fillVolumeMl?: string;
  notes?: string;
}

function NewOrder({ patientId, pumps }: { patientId: number; pumps: PatientDetail['pumps'] }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<OrderForm>();
  const mass = Form.useWatch('mass', form) ?? 'mg';
  const create = useApiMutation((v: PrescriptionInput) => pumpApi().prescriptions.create(v), [['patients:get', patientId]]);
  const submit = (v: OrderForm) => {
    const order: PrescriptionInput = {
      patientId,
      components: [{ drug: v.drug, concentration: { value: v.concentration, unit: `${v.mass}/mL` }, dailyDose: { value: v.dailyDose, unit: `${v.mass}/day` } }],
      mode: 'continuous',
      ...(v.pumpId === undefined ? {} : { pumpId: v.pumpId }),
      ...(v.fillVolumeMl === undefined || v.fillVolumeMl === '' ? {} : { fillVolumeMl: v.fillVolumeMl }),
      ...(v.notes === undefined || v.notes === '' ? {} : { notes: v.notes }),
    };
    create.mutate(order, { onSuccess: () => form.resetFields() });
  };
  return (
    <Form<OrderForm> form={form} name="new-order" layout="inline" initialValues={{ mass: 'mg', pumpId: pumps[0]?.id }} onFinish={submit} style={{ rowGap: 8 }}>
      <Form.Item name="drug" label={t('status.drug')} rules={[{ required: true, message: t('form.required') }]}>
        <Select style={{ width: 160 }} options={drugs.map((d) => ({ value: d, label: t(`drug.${d}`) }))} />
      </Form.Item>
      <Form.Item name="mass" label={t('orders.unit')}>
        <Select style={{ width: 100 }} options={[{ value: 'mg', label: 'mg' }, { value: 'mcg', label: 'mcg' }]} />
      </Form.Item>
      <Form.Item name="concentration" label={t('status.concentration')} rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}>
        <Input inputMode="decimal" suffix={`${mass}/mL`} style={{ width: 150 }} />
      </Form.Item>
      <Form.Item name="dailyDose" label={t('status.dailyDose')} rules={[{ required: true, pattern: DECIMAL, message: t('form.decimal') }]}>
        <Input inputMode="decimal" suffix={`${mass}/day`} style={{ width: 150 }} />
      </Form.Item>
      <Form.Item name="fillVolumeMl" label={t('orders.fillVolume')} rules={[{ pattern: DECIMAL, message: t('form.decimal') }]}>
        <Input inputMode="decimal" suffix="mL" style={{ width: 120 }} />
      </Form.Item>
      {pumps.length > 0 && (
        <Form.Item name="pumpId" label={t('orders.pump')}>
          <Select style={{ width: 160 }} allowClear options={pumps.map((p) => ({ value: p.id, label: p.serial }))} />
        </Form.Item>
      )}
      <Form.Item name="notes" label={t('patients.note')}>
        <Input style={{ width: 240 }} />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('orders.create')}
        </Button>
      </Form.Item>
      <div style={{ flexBasis: '100%' }}>
        <ErrorAlert error={create.error} />
      </div>
    </Form>
  );
}

function CancelOrder({ order, patientId }: { order: Prescription; patientId: number }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState<string | undefined>(undefined);
  const cancel = useApiMutation((v: { id: number; reason: string }) => pumpApi().prescriptions.cancel(v), [['patients:get', patientId]]);
  if (reason === undefined) return <Button size="small" onClick={() => setReason('')}>{t('orders.cancel')}</Button>;
  return (
    <Space.Compact>
      <Input size="small" aria-label={t('orders.cancelReason')} placeholder={t('orders.cancelReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <Button size="small" danger disabled={reason.trim() === ''} loading={cancel.isPending} onClick={() => cancel.mutate({ id: order.id, reason })}>
        {t('orders.confirmCancel')}
      </Button>
      <ErrorAlert error={cancel.error} />
    </Space.Compact>
  );
}

// Only open orders stand out (in a colour that keeps AA contrast); carried-out and withdrawn ones are plain.
const statusColor = { open: 'blue', filled: 'default', cancelled: 'default' } as const;

/** The physician's orders for the refills: written here, carried out (once) by the refill wizard. */
export function OrdersCard({ detail, canOrder }: { detail: PatientDetail; canOrder: boolean }) {
  const { t, i18n } = useTranslation();
  const serialOf = (id: number | null) => (id === null ? t('orders.anyPump') : (detail.pumps.find((p) => p.id === id)?.serial ?? String(id)));
  return (
    <Card title={t('orders.title')} size="small" data-testid="orders">
      {canOrder && (
        <div style={{ marginBottom: 12 }}>
          <NewOrder patientId={detail.patient.id} pumps={detail.pumps} />
        </div>
      )}
      <Table<Prescription>
        data-testid="orders-table"
        size="small"
        pagination={false}
        rowKey="id"
        dataSource={detail.prescriptions}
        locale={{ emptyText: t('orders.none') }}
        columns={[
          { title: '#', dataIndex: 'id' },
          { title: t('orders.orderedAt'), dataIndex: 'orderedAt', render: (v: string) => formatDateTime(v, i18n.language) },
          { title: t('orders.orderedBy'), dataIndex: 'orderedBy' },
          { title: t('orders.therapy'), render: (_, o) => orderText(t, o) },
          { title: t('orders.fillVolume'), dataIndex: 'fillVolumeMl', render: (v: string | null) => (v === null ? '—' : `${v} mL`) },
          { title: t('orders.pump'), dataIndex: 'pumpId', render: (v: number | null) => serialOf(v) },
          { title: t('patients.note'), dataIndex: 'notes' },
          { title: t('orders.status'), dataIndex: 'status', render: (v: Prescription['status']) => <Tag color={statusColor[v]}>{t(`orders.state.${v}`)}</Tag> },
          ...(canOrder ? [{ title: '', key: 'actions', render: (_: unknown, o: Prescription) => (o.status === 'open' ? <CancelOrder order={o} patientId={detail.patient.id} /> : null) }] : []),
        ]}
      />
    </Card>
  );
}
