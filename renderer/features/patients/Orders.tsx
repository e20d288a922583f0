import { DECIMAL_INPUT } from '../../../core/quantity';
import { Alert, Button, Card, Form, Input, Radio, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { PatientDetail, Prescription, PrescriptionInput } from '../../../core/api/schemas';
import { drugs, type Drug } from '../../../core/pump';
import { pumpApi } from '../../api/client';
import { useApi, useApiMutation } from '../../api/hooks';
import { formatDateTime, formatMl, formatQuantity, unitText } from '../../app/format';
import { stepsDailyDose } from '../../../core/calc/flex';
import { ErrorAlert } from '../../components/ErrorAlert';
import { appErrorText } from '../../components/errorText';
import { FlexEditor } from '../programming/FlexEditor';

/** One line for an order: each drug with its concentration and daily dose. */
export const orderText = (t: TFunction, order: Pick<Prescription, 'components'>): string =>
  order.components
    .map((c) => `${t(`drug.${c.drug}`)} ${formatQuantity(c.concentration, t)} — ${formatQuantity(c.dailyDose, t)}`)
    .join(' + ');

interface OrderForm {
  drug?: Drug;
  concentration: string;
  /** Continuous: the daily dose typed; flex: the steps', computed. */
  dailyDose?: string;
  mode: 'continuous' | 'flex';
  /** A flex order's day, edited as on the programming screen: each start and its dose as a daily rate. */
  steps?: Array<{ start?: string; dailyDose?: string }>;
  /** A pump of the patient's, or "any" chosen explicitly. */
  pump?: number | 'any';
  fillVolumeMl?: string;
  notes?: string;
}

/** The mass unit of a drug's doses and concentrations: the drug library's entry (mcg for baclofen, ziconotide, clonidine, fentanyl, sufentanil). */
export function useDrugUnit(drug: Drug | undefined): 'mg' | 'mcg' | undefined {
  const library = useApi(['library:get'], () => pumpApi().library.get({}));
  return drug === undefined ? undefined : library.data?.library.entries.find((e) => e.drug === drug)?.unit;
}

function NewOrder({ patientId, pumps }: { patientId: number; pumps: PatientDetail['pumps'] }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<OrderForm>();
  const drug = Form.useWatch('drug', form);
  const mode = Form.useWatch('mode', form) ?? 'continuous';
  const steps = Form.useWatch('steps', form);
  const mass = useDrugUnit(drug);
  // A flex order's daily dose is its steps' day, by the one rule of a flex day (core/calc/flex.ts).
  const flexDose =
    mode === 'flex' && steps !== undefined
      ? stepsDailyDose(
          steps.map((s) => ({
            start: s.start ?? '',
            dailyDose: DECIMAL_INPUT.test(s.dailyDose ?? '') ? (s.dailyDose ?? '0') : '0',
          })),
        )
      : undefined;
  const create = useApiMutation(
    (v: PrescriptionInput) => pumpApi().prescriptions.create(v),
    [['patients:get', patientId]],
  );
  const submit = (v: OrderForm) => {
    if (v.drug === undefined || mass === undefined || v.pump === undefined) return;
    const flex = v.mode === 'flex';
    const dose = flex ? (flexDose?.ok === true ? flexDose.value : undefined) : v.dailyDose;
    if (dose === undefined) return;
    const order: PrescriptionInput = {
      patientId,
      components: [
        {
          drug: v.drug,
          concentration: { value: v.concentration, unit: `${mass}/mL` },
          dailyDose: { value: dose, unit: `${mass}/day` },
        },
      ],
      mode: v.mode,
      ...(flex ? { steps: (v.steps ?? []).map((s) => ({ start: s.start ?? '', dailyDose: s.dailyDose ?? '' })) } : {}),
      ...(v.pump === 'any' ? { anyPump: true as const } : { pumpId: v.pump }),
      ...(v.fillVolumeMl === undefined || v.fillVolumeMl === '' ? {} : { fillVolumeMl: v.fillVolumeMl }),
      ...(v.notes === undefined || v.notes === '' ? {} : { notes: v.notes }),
    };
    create.mutate(order, { onSuccess: () => form.resetFields() });
  };
  const massText = mass === undefined ? '—' : unitText(t, mass);
  return (
    <Form<OrderForm>
      form={form}
      name="new-order"
      layout="inline"
      initialValues={{ mode: 'continuous', ...(pumps.length === 1 ? { pump: pumps[0]?.id } : {}) }}
      onFinish={submit}
      style={{ rowGap: 8 }}
    >
      <Form.Item name="drug" label={t('status.drug')} rules={[{ required: true, message: t('form.required') }]}>
        <Select style={{ width: 160 }} options={drugs.map((d) => ({ value: d, label: t(`drug.${d}`) }))} />
      </Form.Item>
      {/* The unit is the drug library's for the drug, never a separate choice that could disagree with it. */}
      <Form.Item label={t('orders.unit')}>
        <span data-testid="order-unit">{massText}</span>
      </Form.Item>
      <Form.Item
        name="concentration"
        label={t('status.concentration')}
        rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
      >
        <Input
          inputMode="decimal"
          suffix={mass === undefined ? '—' : unitText(t, `${mass}/mL`)}
          style={{ width: 150 }}
        />
      </Form.Item>
      <Form.Item name="mode" label={t('orders.mode')}>
        <Radio.Group
          onChange={(e) => {
            // A flex order starts with its first step at midnight, as a flex day must.
            if (e.target.value === 'flex' && (steps ?? []).length === 0)
              form.setFieldValue('steps', [{ start: '00:00', dailyDose: '' }]);
          }}
          options={[
            { value: 'continuous', label: t('mode.continuous') },
            { value: 'flex', label: t('mode.flex') },
          ]}
        />
      </Form.Item>
      {mode === 'continuous' && (
        <Form.Item
          name="dailyDose"
          label={t('status.dailyDose')}
          rules={[{ required: true, pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
        >
          <Input
            inputMode="decimal"
            suffix={mass === undefined ? '—' : unitText(t, `${mass}/day`)}
            style={{ width: 150 }}
          />
        </Form.Item>
      )}
      {mode === 'flex' && (
        <div style={{ flexBasis: '100%' }} data-testid="order-flex">
          {/* The programming screen's step editor: the same fields, checks and 24-hour chart. */}
          <FlexEditor unit={`${mass ?? 'mg'}/day`} steps={steps ?? []} />
          {flexDose?.ok === true && (
            <div data-testid="order-flex-dose" style={{ marginBottom: 8 }}>
              {t('orders.flexDose', {
                dose: formatQuantity({ value: flexDose.value, unit: `${mass ?? 'mg'}/day` }, t),
              })}
            </div>
          )}
          {flexDose?.ok === false && (
            <Alert
              type="error"
              showIcon
              data-testid="order-flex-problem"
              style={{ marginBottom: 8 }}
              title={appErrorText(t, flexDose.error)}
            />
          )}
        </div>
      )}
      <Form.Item
        name="fillVolumeMl"
        label={t('orders.fillVolume')}
        rules={[{ pattern: DECIMAL_INPUT, message: t('form.decimal') }]}
      >
        <Input inputMode="decimal" suffix="mL" style={{ width: 120 }} />
      </Form.Item>
      <Form.Item name="pump" label={t('orders.pump')} rules={[{ required: true, message: t('orders.pumpRequired') }]}>
        <Select
          style={{ width: 200 }}
          options={[
            ...pumps.map((p) => ({ value: p.id, label: p.serial })),
            { value: 'any' as const, label: t('orders.anyPumpChoice') },
          ]}
        />
      </Form.Item>
      <Form.Item name="notes" label={t('patients.note')}>
        <Input style={{ width: 240 }} />
      </Form.Item>
      <Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          loading={create.isPending}
          disabled={drug !== undefined && mass === undefined}
        >
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
  const cancel = useApiMutation(
    (v: { id: number; reason: string }) => pumpApi().prescriptions.cancel(v),
    [['patients:get', patientId]],
  );
  if (reason === undefined)
    return (
      <Button size="small" onClick={() => setReason('')}>
        {t('orders.cancel')}
      </Button>
    );
  return (
    <Space.Compact>
      <Input
        size="small"
        aria-label={t('orders.cancelReason')}
        placeholder={t('orders.cancelReason')}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <Button
        size="small"
        danger
        disabled={reason.trim() === ''}
        loading={cancel.isPending}
        onClick={() => cancel.mutate({ id: order.id, reason })}
      >
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
  const serialOf = (id: number | null) =>
    id === null ? t('orders.anyPump') : (detail.pumps.find((p) => p.id === id)?.serial ?? String(id));
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
        locale={{ emptyText: <span style={{ color: '#595959' }}>{t('orders.none')}</span> }}
        columns={[
          { title: '#', dataIndex: 'id' },
          {
            title: t('orders.orderedAt'),
            dataIndex: 'orderedAt',
            render: (v: string) => formatDateTime(v, i18n.language),
          },
          { title: t('orders.orderedBy'), dataIndex: 'orderedBy' },
          { title: t('orders.therapy'), render: (_, o) => orderText(t, o) },
          {
            title: t('orders.fillVolume'),
            dataIndex: 'fillVolumeMl',
            render: (v: string | null) => formatMl(v, t),
          },
          { title: t('orders.pump'), dataIndex: 'pumpId', render: (v: number | null) => serialOf(v) },
          { title: t('patients.note'), dataIndex: 'notes' },
          {
            title: t('orders.status'),
            dataIndex: 'status',
            render: (v: Prescription['status']) => <Tag color={statusColor[v]}>{t(`orders.state.${v}`)}</Tag>,
          },
          ...(canOrder
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, o: Prescription) =>
                    o.status === 'open' ? <CancelOrder order={o} patientId={detail.patient.id} /> : null,
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}
